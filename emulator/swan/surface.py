"""The platform's API surface, as one declarative table.

Everything the ``swan`` object has, the stubs of what the emulator lacks and the answers of
``swan.canIUse`` are built from this table (see ``runtime/prelude/swan.js``), so they
cannot disagree. Sources: the official docs, ``swan-team/swan-docs`` at 87accb3
(``api/apilist.md``, ``api/*``, ``component/*``), compiled in
``shared/spec/platform-apis.md`` and ``shared/spec/view-layer.md``.

Each entry is written in a small tree notation, ``name[@since][(children)]``: children are
space-separated entries of the same form. For an API the children are the canIUse schema's
second level (``object``, ``success``, ``return``, ``callback``), then parameters, then
their valid values or sub-fields: ``request.object.method.OPTIONS`` is
``object(method(OPTIONS …))``. ``@X.Y.Z`` is the base library version that brought it
("基础库 X.Y.Z 开始支持"). Only what the docs list is here: anything else answers false.

The tree is sent to JS as nested objects ``{"v": since, "c": {child: node}}`` (keys left
out when empty), plus ``"k"`` (kind) and ``"r"`` (returned class) on API nodes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

Node = dict[str, Any]

# ---- kinds of API --------------------------------------------------------------------
ASYNC = "async"        # options object; exactly one of success/fail, then complete
SYNC = "sync"          # returns its result
LISTENER = "listener"  # on…/off…(callback)
FACTORY = "factory"    # returns an object of class "r" (create…Context, get…Manager)
TASK = "task"          # async, and returns an object of class "r" (RequestTask…)
NAMESPACE = "namespace"  # an object holding more APIs (swan.ai)

_CALLBACKS = "success fail complete"

# name: (kind, returned class or "", tree of the schema below the name)
APIS: dict[str, tuple[str, str, str]] = {
    # ---- network [api/net/*] --------------------------------------------------------
    "request": (TASK, "RequestTask",
                "object(url data header method(OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT) "
                "dataType(json string) responseType@1.11.20(text arraybuffer) "
                f"{_CALLBACKS}) success(data statusCode header)"),
    "uploadFile": (TASK, "UploadTask",
                   f"object(url filePath name header formData {_CALLBACKS}) "
                   "success(data statusCode)"),
    "downloadFile": (TASK, "DownloadTask",
                     f"object(url header filePath {_CALLBACKS}) "
                     "success(tempFilePath filePath statusCode)"),
    "connectSocket": (TASK, "SocketTask",
                      f"object(url header protocols {_CALLBACKS})"),
    "onSocketOpen": (LISTENER, "", "callback(header)"),
    "onSocketError": (LISTENER, "", "callback(errMsg)"),
    "onSocketMessage": (LISTENER, "", "callback(data)"),
    "onSocketClose": (LISTENER, "", "callback(code reason)"),
    "sendSocketMessage": (ASYNC, "", f"object(data {_CALLBACKS})"),
    "closeSocket": (ASYNC, "", f"object(code reason {_CALLBACKS})"),
    # ---- storage [api/storage/*] ----------------------------------------------------
    "setStorage": (ASYNC, "", f"object(key data {_CALLBACKS})"),
    "setStorageSync": (SYNC, "", ""),
    "getStorage": (ASYNC, "", f"object(key {_CALLBACKS}) success(data)"),
    "getStorageSync": (SYNC, "", ""),
    "getStorageInfo": (ASYNC, "", f"object({_CALLBACKS}) success(keys currentSize limitSize)"),
    "getStorageInfoSync": (SYNC, "", "return(keys currentSize limitSize)"),
    "removeStorage": (ASYNC, "", f"object(key {_CALLBACKS})"),
    "removeStorageSync": (SYNC, "", ""),
    "clearStorage": (ASYNC, "", f"object({_CALLBACKS})"),
    "clearStorageSync": (SYNC, "", ""),
    # ---- files [api/file/*] ---------------------------------------------------------
    "saveFile": (ASYNC, "", f"object(tempFilePath {_CALLBACKS}) success(savedFilePath)"),
    "getFileInfo": (ASYNC, "", f"object(filePath digestAlgorithm(md5 sha1) {_CALLBACKS}) "
                               "success(size digest)"),
    "getSavedFileList": (ASYNC, "", f"object({_CALLBACKS}) success(fileList(filePath createTime "
                                    "size))"),
    "getSavedFileInfo": (ASYNC, "", f"object(filePath {_CALLBACKS}) success(size createTime)"),
    "removeSavedFile": (ASYNC, "", f"object(filePath {_CALLBACKS})"),
    "openDocument": (ASYNC, "", f"object(filePath fileType(doc xls ppt pdf docx xlsx pptx) "
                                f"{_CALLBACKS})"),
    "getFileSystemManager@3.130.1": (FACTORY, "FileSystemManager", ""),
    # ---- media [api/media/*] --------------------------------------------------------
    "chooseImage": (ASYNC, "", f"object(count sizeType(original compressed) "
                               f"sourceType(album camera) {_CALLBACKS}) "
                               "success(tempFilePaths tempFiles)"),
    "previewImage": (ASYNC, "", f"object(current urls images {_CALLBACKS})"),
    "getImageInfo": (ASYNC, "", f"object(src {_CALLBACKS}) success(width height path "
                                "orientation type)"),
    "compressImage@3.110.3": (ASYNC, "", f"object(src quality {_CALLBACKS})"),
    "saveImageToPhotosAlbum": (ASYNC, "", f"object(filePath {_CALLBACKS})"),
    "chooseAlbum@3.30.3": (ASYNC, "", f"object({_CALLBACKS})"),
    "getRecorderManager": (FACTORY, "RecorderManager", ""),
    "getAvailableAudioSources@3.80.2": (ASYNC, "", f"object({_CALLBACKS})"),
    "getBackgroundAudioManager": (FACTORY, "BackgroundAudioManager", ""),
    "createInnerAudioContext": (FACTORY, "InnerAudioContext", ""),
    "setInnerAudioOption@3.10.4": (ASYNC, "", f"object(mixWithOther obeyMuteSwitch "
                                              f"{_CALLBACKS})"),
    "chooseVideo": (ASYNC, "", f"object(sourceType compressed maxDuration {_CALLBACKS})"),
    "saveVideoToPhotosAlbum": (ASYNC, "", f"object(filePath {_CALLBACKS})"),
    "createVideoContext": (FACTORY, "VideoContext", ""),
    "createAnimationVideo": (FACTORY, "AnimationVideo", ""),
    "createLivePlayerContext": (FACTORY, "LivePlayerContext", ""),
    "createCameraContext": (FACTORY, "CameraContext", ""),
    "createARCameraContext@3.15.104": (FACTORY, "ARCameraContext", ""),
    # ---- location [api/location/*] --------------------------------------------------
    "getLocation": (ASYNC, "", f"object(type(wgs84 gcj02) altitude {_CALLBACKS}) "
                               "success(latitude longitude speed accuracy altitude)"),
    "chooseLocation": (ASYNC, "", f"object({_CALLBACKS}) success(name address latitude "
                                  "longitude)"),
    "openLocation": (ASYNC, "", f"object(latitude longitude scale name address {_CALLBACKS})"),
    "createMapContext": (FACTORY, "MapContext", ""),
    "startLocationUpdate@3.150.1": (ASYNC, "", f"object({_CALLBACKS})"),
    "stopLocationUpdate@3.150.1": (ASYNC, "", f"object({_CALLBACKS})"),
    "onLocationChange@3.150.1": (LISTENER, "", "callback(latitude longitude)"),
    "offLocationChange@3.150.1": (LISTENER, "", ""),
    # ---- UI [api/show/*] ------------------------------------------------------------
    "showToast": (ASYNC, "", f"object(title icon(success loading none) image duration mask "
                             f"{_CALLBACKS})"),
    "showLoading": (ASYNC, "", f"object(title mask {_CALLBACKS})"),
    "hideToast": (ASYNC, "", f"object({_CALLBACKS})"),
    "hideLoading": (ASYNC, "", f"object({_CALLBACKS})"),
    "showModal": (ASYNC, "", f"object(title content showCancel cancelText cancelColor "
                             f"confirmText confirmColor {_CALLBACKS}) success(confirm cancel)"),
    "showActionSheet": (ASYNC, "", f"object(itemList itemColor {_CALLBACKS}) success(tapIndex)"),
    "setNavigationBarTitle": (ASYNC, "", f"object(title {_CALLBACKS})"),
    "showNavigationBarLoading": (ASYNC, "", f"object({_CALLBACKS})"),
    "hideNavigationBarLoading": (ASYNC, "", f"object({_CALLBACKS})"),
    "setNavigationBarColor": (ASYNC, "", f"object(frontColor(#ffffff #000000) backgroundColor "
                                         f"animation(duration timingFunc) {_CALLBACKS})"),
    "setTabBarBadge": (ASYNC, "", f"object(index text {_CALLBACKS})"),
    "removeTabBarBadge": (ASYNC, "", f"object(index {_CALLBACKS})"),
    "showTabBarRedDot": (ASYNC, "", f"object(index {_CALLBACKS})"),
    "hideTabBarRedDot": (ASYNC, "", f"object(index {_CALLBACKS})"),
    "setTabBarStyle": (ASYNC, "", f"object(color selectedColor backgroundColor "
                                  f"borderStyle(black white) {_CALLBACKS})"),
    "setTabBarItem": (ASYNC, "", f"object(index text iconPath selectedIconPath {_CALLBACKS})"),
    "showTabBar": (ASYNC, "", f"object(animation {_CALLBACKS})"),
    "hideTabBar": (ASYNC, "", f"object(animation {_CALLBACKS})"),
    "navigateTo": (ASYNC, "", f"object(url {_CALLBACKS})"),
    "redirectTo": (ASYNC, "", f"object(url {_CALLBACKS})"),
    "switchTab": (ASYNC, "", f"object(url {_CALLBACKS})"),
    "navigateBack": (ASYNC, "", f"object(delta {_CALLBACKS})"),
    "reLaunch": (ASYNC, "", f"object(url {_CALLBACKS})"),
    "createAnimation": (FACTORY, "Animation", "object(duration timingFunction(linear ease "
                                              "ease-in ease-in-out ease-out step-start "
                                              "step-end) delay transformOrigin)"),
    "pageScrollTo": (ASYNC, "", f"object(scrollTop duration {_CALLBACKS})"),
    "setBackgroundColor@3.10.4": (ASYNC, "", f"object(backgroundColor backgroundColorTop "
                                             f"backgroundColorBottom {_CALLBACKS})"),
    "setBackgroundTextStyle@3.10.4": (ASYNC, "", f"object(textStyle(dark light) {_CALLBACKS})"),
    "startPullDownRefresh": (ASYNC, "", f"object({_CALLBACKS})"),
    "stopPullDownRefresh": (ASYNC, "", f"object({_CALLBACKS})"),
    "nextTick@3.15.104": (SYNC, "", ""),
    "getMenuButtonBoundingClientRect@3.20.3": (SYNC, "", "return(width height top right bottom "
                                                         "left)"),
    "createIntersectionObserver": (FACTORY, "IntersectionObserver",
                                   "object(thresholds initialRatio selectAll)"),
    "createSelectorQuery": (FACTORY, "SelectorQuery", ""),
    "showFavoriteGuide": (ASYNC, "", f"object(type(tip bar) content {_CALLBACKS})"),
    "createCanvasContext": (FACTORY, "CanvasContext", ""),
    "canvasGetImageData": (ASYNC, "", f"object(canvasId x y width height {_CALLBACKS})"),
    "canvasPutImageData": (ASYNC, "", f"object(canvasId data x y width height {_CALLBACKS})"),
    "canvasToTempFilePath": (ASYNC, "", f"object(canvasId x y width height destWidth "
                                        f"destHeight fileType quality {_CALLBACKS})"),
    # ---- device [api/device_sys/*] --------------------------------------------------
    "getSystemInfo@1.10.8": (ASYNC, "", f"object({_CALLBACKS}) success(brand model pixelRatio "
                                        "screenWidth screenHeight windowWidth windowHeight "
                                        "statusBarHeight navigationBarHeight@3.0.17 language "
                                        "version system platform fontSizeSetting SDKVersion "
                                        "host@3.30.2 swanNativeVersion@1.13.18 "
                                        "devicePixelRatio@3.0.39 safeArea@3.110.3)"),
    "getSystemInfoSync": (SYNC, "", "return(brand model pixelRatio screenWidth screenHeight "
                                    "windowWidth windowHeight statusBarHeight "
                                    "navigationBarHeight@3.0.17 language version system "
                                    "platform fontSizeSetting SDKVersion host@3.30.2 "
                                    "swanNativeVersion@1.13.18 devicePixelRatio@3.0.39 "
                                    "safeArea@3.110.3)"),
    "getEnvInfoSync@2.0.28": (SYNC, "", "return(appKey appName lastAppURL sdkVersion scheme "
                                        "env@3.90.12(development trial production))"),
    "canIUse@1.10.13": (SYNC, "", ""),
    "onMemoryWarning": (LISTENER, "", "callback(level)"),
    "getNetworkType": (ASYNC, "", f"object({_CALLBACKS}) success(networkType(wifi 2g 3g 4g "
                                  "5g unknown none))"),
    "onNetworkStatusChange": (LISTENER, "", "callback(isConnected networkType)"),
    "offNetworkStatusChange": (LISTENER, "", ""),
    "onAccelerometerChange": (LISTENER, "", "callback(x y z)"),
    "startAccelerometer": (ASYNC, "", f"object(interval(game ui normal) {_CALLBACKS})"),
    "stopAccelerometer": (ASYNC, "", f"object({_CALLBACKS})"),
    "onCompassChange": (LISTENER, "", "callback(direction)"),
    "startCompass": (ASYNC, "", f"object({_CALLBACKS})"),
    "stopCompass": (ASYNC, "", f"object({_CALLBACKS})"),
    "onDeviceMotionChange@3.30.2": (LISTENER, "", "callback(alpha beta gamma)"),
    "startDeviceMotionListening@3.30.2": (ASYNC, "", f"object(interval {_CALLBACKS})"),
    "stopDeviceMotionListening@3.30.2": (ASYNC, "", f"object({_CALLBACKS})"),
    "getBatteryInfo@3.30.2": (ASYNC, "", f"object({_CALLBACKS}) success(level isCharging)"),
    "getBatteryInfoSync@3.30.2": (SYNC, "", "return(level isCharging)"),
    "scanCode": (ASYNC, "", f"object(onlyFromCamera {_CALLBACKS}) success(result scanType "
                            "charSet)"),
    "setScreenBrightness": (ASYNC, "", f"object(value {_CALLBACKS})"),
    "getScreenBrightness": (ASYNC, "", f"object({_CALLBACKS}) success(value)"),
    "setKeepScreenOn": (ASYNC, "", f"object(keepScreenOn {_CALLBACKS})"),
    "onUserCaptureScreen": (LISTENER, "", "callback"),
    "vibrateLong": (ASYNC, "", f"object({_CALLBACKS})"),
    "vibrateShort": (ASYNC, "", f"object({_CALLBACKS})"),
    "addPhoneContact": (ASYNC, "", f"object(firstName mobilePhoneNumber {_CALLBACKS})"),
    "makePhoneCall": (ASYNC, "", f"object(phoneNumber {_CALLBACKS})"),
    "setClipboardData": (ASYNC, "", f"object(data {_CALLBACKS})"),
    "getClipboardData": (ASYNC, "", f"object({_CALLBACKS}) success(data)"),
    "addEventOnCalendar@3.140.1": (ASYNC, "", f"object(title startTime endTime {_CALLBACKS})"),
    "deleteEventOnCalendar@3.140.1": (ASYNC, "", f"object(title startTime endTime "
                                                 f"{_CALLBACKS})"),
    # ---- app events [api/base_app_event/*] -------------------------------------------
    "onAppShow@3.60.2": (LISTENER, "", "callback(scene path query shareTicket referrerInfo "
                                       "entryType(user schema sys) appURL)"),
    "offAppShow@3.60.2": (LISTENER, "", ""),
    "onAppHide@3.60.2": (LISTENER, "", "callback"),
    "offAppHide@3.60.2": (LISTENER, "", ""),
    "onError@3.60.2": (LISTENER, "", "callback"),
    "offError@3.60.2": (LISTENER, "", ""),
    "onPageNotFound@3.60.2": (LISTENER, "", "callback(path query isEntryPage)"),
    "offPageNotFound@3.60.2": (LISTENER, "", ""),
    # ---- open / account [api/open/*] ------------------------------------------------
    "login": (ASYNC, "", f"object(timeout {_CALLBACKS}) success(code)"),
    # Not in the 2020 docs; later docs and app code use it [web; code].
    "getLoginCode": (ASYNC, "", f"object(timeout {_CALLBACKS}) success(code)"),
    "checkSession": (ASYNC, "", f"object({_CALLBACKS}) success(result)"),
    "isLoginSync@1.13.4": (SYNC, "", "return(isLogin)"),
    "authorize": (ASYNC, "", f"object(scope(scope.userInfo scope.userLocation "
                             f"scope.writePhotosAlbum scope.address scope.invoiceTitle "
                             f"scope.record scope.camera) {_CALLBACKS})"),
    "getSwanId": (ASYNC, "", f"object({_CALLBACKS}) success(errno data(swanid))"),
    "getUserInfo": (ASYNC, "", f"object({_CALLBACKS}) success(userInfo(nickName avatarUrl "
                               "gender) data iv)"),
    # Choice (platform-apis.md §5): like getUserInfo.
    "getOpenUserInfo": (ASYNC, "", f"object({_CALLBACKS}) success(userInfo(nickName avatarUrl "
                                   "gender) data iv)"),
    "getSetting": (ASYNC, "", f"object({_CALLBACKS}) success(authSetting)"),
    "openSetting": (ASYNC, "", f"object({_CALLBACKS}) success(authSetting)"),
    "openShare": (ASYNC, "", f"object(title content imageUrl path {_CALLBACKS})"),
    "shareFile@3.80.2": (ASYNC, "", f"object(filePath {_CALLBACKS})"),
    "chooseAddress": (ASYNC, "", f"object({_CALLBACKS})"),
    "chooseInvoiceTitle": (ASYNC, "", f"object({_CALLBACKS})"),
    "requestPolymerPayment@1.8.5": (ASYNC, "", f"object(orderInfo(dealId appKey totalAmount "
                                               f"tpOrderId dealTitle signFieldsRange rsaSign "
                                               f"bizInfo) bannedChannels {_CALLBACKS})"),
    "openCommunityEditor@3.90.1": (ASYNC, "", f"object({_CALLBACKS})"),
    "closeCommunityEditor@3.90.1": (ASYNC, "", f"object({_CALLBACKS})"),
    "openReplyEditor@3.100.4": (ASYNC, "", f"object({_CALLBACKS})"),
    "closeReplyEditor@3.100.4": (ASYNC, "", f"object({_CALLBACKS})"),
    "navigateToSmartProgram@1.10.8": (ASYNC, "", f"object(appKey path extraData {_CALLBACKS})"),
    "navigateBackSmartProgram@1.10.8": (ASYNC, "", f"object(extraData {_CALLBACKS})"),
    "setPageInfo": (ASYNC, "", f"object(title keywords description releaseDate articleTitle "
                               f"image video visit likes comments collects shares followers "
                               f"{_CALLBACKS})"),
    "setMetaDescription": (ASYNC, "", f"object(content {_CALLBACKS})"),
    "setMetaKeywords": (ASYNC, "", f"object(content {_CALLBACKS})"),
    "setDocumentTitle": (ASYNC, "", f"object(title {_CALLBACKS})"),
    "loadSubPackage": (ASYNC, "", f"object(root {_CALLBACKS})"),
    "getUpdateManager@1.13.4": (FACTORY, "UpdateManager", ""),
    "setEnableDebug@1.12.0": (ASYNC, "", f"object(enableDebug {_CALLBACKS})"),
    "reportAnalytics": (SYNC, "", ""),
    "getSystemRiskInfo": (ASYNC, "", f"object({_CALLBACKS}) success(content)"),
    "subscribeService@3.150.1": (ASYNC, "", f"object(templateId subscribeId {_CALLBACKS})"),
    "getExtConfig@1.10.8": (ASYNC, "", f"object({_CALLBACKS}) success(extConfig)"),
    "getExtConfigSync@1.10.8": (SYNC, "", "return(extConfig)"),
    "getURLQuery@3.100.6": (SYNC, "", ""),
    "setURLQuery@3.100.6": (SYNC, "", ""),
    # ---- AI [api/ai/*] --------------------------------------------------------------
    "ai": (NAMESPACE, "", ""),
}

_AI = ("ocrIdCard ocrBankCard ocrDrivingLicense ocrVehicleLicense textReview textToAudio "
       "imageAudit advancedGeneralIdentify objectDetectIdentify carClassify dishClassify "
       "logoClassify animalClassify plantClassify faceDetect faceMatch faceSearch "
       "facePersonVerify facePersonIdmatch faceLivenessSessioncode nlpLexerCustom")
AI_APIS: dict[str, tuple[str, str, str]] = {
    name: (ASYNC, "", f"object({_CALLBACKS})") for name in _AI.split(" ")
}
AI_APIS["imageAudit"] = (ASYNC, "", f"object(image imgUrl {_CALLBACKS}) "
                                    "success(data(stars(name score)))")
AI_APIS["getVoiceRecognizer"] = (FACTORY, "VoiceRecognizer", "")

# ---- objects the APIs return [api/*; platform-apis.md §3] ------------------------------
_AUDIO_EVENTS = "Canplay Play Pause Stop Ended TimeUpdate Error Waiting Seeking Seeked"
CLASSES: dict[str, str] = {
    "RequestTask": "abort",
    "UploadTask": "onProgressUpdate(callback(progress totalBytesSent totalBytesExpectedToSend)) "
                  "abort",
    "DownloadTask": "onProgressUpdate(callback(progress totalBytesWritten "
                    "totalBytesExpectedToWrite)) abort",
    "SocketTask": f"send(object(data {_CALLBACKS})) close(object(code reason {_CALLBACKS})) "
                  "onOpen(callback(header)) onClose(callback(code reason)) "
                  "onError(callback(errMsg)) onMessage(callback(data))",
    "FileSystemManager": " ".join(
        f"{m} {m}Sync" for m in ("access", "appendFile", "copyFile", "mkdir", "readFile",
                                 "readdir", "rename", "rmdir", "stat", "unlink", "writeFile")
    ) + " getFileInfo getSavedFileList removeSavedFile saveFile saveFileSync unzip",
    "UpdateManager": "onCheckForUpdate(callback(hasUpdate)) onUpdateReady onUpdateFailed "
                     "applyUpdate",
    "SelectorQuery": "in select selectAll selectViewport exec",
    "NodesRef": "boundingClientRect scrollOffset fields(object(id dataset rect size "
                "scrollOffset properties computedStyle))",
    "IntersectionObserver": "relativeTo relativeToViewport observe disconnect",
    "Animation": "opacity backgroundColor width height top left bottom right rotate rotateX "
                 "rotateY rotateZ rotate3d scale scaleX scaleY scaleZ scale3d translate "
                 "translateX translateY translateZ translate3d skew skewX skewY matrix matrix3d "
                 "step export",
    "CanvasContext": "setFillStyle setStrokeStyle setShadow createLinearGradient "
                     "createCircularGradient addColorStop setLineWidth setLineCap setLineJoin "
                     "setLineDash setLineDashOffset setMiterLimit rect fillRect strokeRect "
                     "clearRect fill stroke beginPath closePath moveTo lineTo arc bezierCurveTo "
                     "quadraticCurveTo scale rotate translate transform setTransform clip "
                     "setFontSize font fillText strokeText setTextAlign setTextBaseline "
                     "measureText drawImage setGlobalAlpha save restore draw",
    "MapContext": "getCenterLocation moveToLocation translateMarker includePoints getRegion "
                  "getScale",
    "VideoContext": "play pause stop seek sendDanmu playbackRate "
                    "requestFullScreen(object(direction(0 90 -90))) exitFullScreen "
                    "showStatusBar hideStatusBar",
    "LivePlayerContext": "play stop mute pause resume requestFullScreen exitFullScreen",
    "CameraContext": "takePhoto startRecord stopRecord",
    "ARCameraContext": "takePhoto reset startRecord stopRecord",
    "AnimationVideo": "play pause seek",
    "InnerAudioContext": "play pause stop seek destroy " + " ".join(
        f"on{e} off{e}" for e in _AUDIO_EVENTS.split()),
    "BackgroundAudioManager": "play pause stop seek onCanplay onPlay onPause onStop onEnded "
                              "onTimeUpdate onPrev onNext onError onWaiting onSeeking onSeeked",
    "RecorderManager": "start pause resume stop onStart onPause onResume onStop onError "
                       "onInterruptionBegin@3.120.1 onInterruptionEnd@3.120.1",
    "VoiceRecognizer": "start stop cancel onStart onRecognize onFinish onError",
}

# ---- components [component/*; view-layer.md §4] ----------------------------------------
_HOVER = "hover-class hover-start-time hover-stay-time"
COMPONENTS: dict[str, str] = {
    "view": f"{_HOVER} hover-stop-propagation",
    "scroll-view": "scroll-x scroll-y upper-threshold lower-threshold scroll-top scroll-left "
                   "scroll-into-view scroll-with-animation enable-back-to-top",
    "swiper": "indicator-dots indicator-color indicator-active-color autoplay current "
              "current-item-id@1.11.0 interval duration circular vertical previous-margin "
              "next-margin display-multiple-items",
    "swiper-item": "item-id",
    "movable-area": "scale-area",
    "movable-view": "direction(none all vertical horizontal) inertia out-of-bounds x y damping "
                    "friction disabled scale scale-min scale-max scale-value animation",
    "cover-view": "scroll-top",
    "cover-image": "src",
    "text": "space(ensp emsp nbsp) selectable",
    "rich-text": "nodes",
    "icon": "type(success info warn waiting success_no_circle clear search personal setting "
            "top close cancel download checkboxSelected radioSelected radioUnselect "
            "loadingGrey) size color",
    "progress": "percent show-info stroke-width border-radius font-size color activeColor "
                "backgroundColor active active-mode(backwards forwards) duration",
    "button": f"size(default mini) type(default primary warn) plain disabled loading "
              f"form-type(buttonclick submit reset) {_HOVER} "
              "open-type(share getUserInfo getPhoneNumber openSetting chooseAddress@3.160.3 "
              "chooseInvoiceTitle@3.160.3 contact login)",
    "form": "report-submit report-type(default subscribe) template-id subscribe-id",
    "input": "value type(text number idcard digit) password placeholder placeholder-style "
             "placeholder-class disabled maxlength cursor-spacing focus "
             "confirm-type(done send search next go) confirm-hold cursor selection-start "
             "selection-end adjust-position",
    "textarea": "value disabled maxlength placeholder placeholder-style placeholder-class "
                "auto-height cursor auto-focus focus fixed cursor-spacing show-confirm-bar "
                "confirm-type@3.70.53 confirm-hold@3.130.1 selection-start selection-end "
                "adjust-position",
    "checkbox": "value checked disabled color",
    "checkbox-group": "",
    "radio": "value checked disabled color",
    "radio-group": "",
    "label": "for",
    "switch": "checked type(switch checkbox) color disabled",
    "slider": "min max step value disabled backgroundColor block-size block-color "
              "activeColor show-value",
    "picker": "mode(selector multiSelector time date region) disabled range range-key value "
              "start end fields(year month day) custom-item",
    "picker-view": "value indicator-style indicator-class mask-style mask-class",
    "picker-view-column": "",
    "navigator": f"url open-type(navigate redirect switchTab navigateBack reLaunch exit) delta "
                 f"target@2.5.2(self miniProgram) app-id path extra-data version {_HOVER}",
    "image": "src mode(scaleToFill aspectFit aspectFill widthFix top bottom center left right) "
             "lazy-load",
    "video": "src controls autoplay loop muted objectFit poster",
    "camera": "device-position flash",
    "map": "longitude latitude scale markers polyline circles controls include-points "
           "show-location",
    "canvas": "canvas-id disable-scroll",
    "audio": "src poster name author controls loop",
    "live-player": "src autoplay muted orientation object-fit",
    "ar-camera": "key type",
    "animation-view": "path loop autoplay action hidden",
    "animation-video": "resource-width resource-height canvas-style path loop autoplay",
    "ad": "appid apid type",
    "open-data": "type(userNickName userAvatarUrl userGender)",
    "tabs": "",
    "tab-item": "",
    "web-view": "src",
    "block": "",
    "template": "",
    "import": "",
    "include": "",
    "filter": "",
    "import-sjs@3.105.17": "",
}

# Framework features apps probe with canIUse.
FEATURES: dict[str, str] = {
    "sjs@3.105.17": "",
}

# One token of the tree notation: a parenthesis, or an entry with its optional version.
_TOKEN = re.compile(r"\s*(?:([()])|([^\s()@]+)(?:@(\d+\.\d+\.\d+))?)")


def parse_tree(text: str) -> dict[str, Node]:
    """Parse ``a b@1.2.3(c d(e))`` into ``{"a": {}, "b": {"v": "1.2.3", "c": {...}}}``.

    Raises ValueError on unbalanced parentheses or a stray character.
    """
    root: dict[str, Node] = {}
    out = root  # the entries being read
    opened: list[tuple[dict[str, Node], Node, str]] = []  # (outer entries, owner, name)
    last: tuple[Node, str] | None = None  # the entry a "(" would open
    pos = 0
    # One pass over the tokens (the table is ~30 KB, parsed at each cold start).
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            break  # a character no token starts with
        pos = m.end()
        paren, name, since = m.groups()
        if name is not None:
            node: Node = {"v": since} if since else {}
            out[name] = node
            last = (node, name)
        elif paren == "(":
            if last is None:
                raise ValueError(f"'(' without an entry at {m.start()} in {text!r}")
            opened.append((out, *last))
            out, last = {}, None
        else:
            if not opened:
                raise ValueError(f"unexpected ')' at {m.start()} in {text!r}")
            kids = out
            out, owner, _name = opened.pop()
            if kids:
                owner["c"] = kids
            last = None
    rest = text[pos:]
    if rest.strip():
        at = pos + len(rest) - len(rest.lstrip())
        raise ValueError(f"bad entry at {at} in {text!r}")
    if opened:
        raise ValueError(f"unclosed '(' after {opened[-1][2]!r} in {text!r}")
    return root


def _split(key: str) -> tuple[str, str | None]:
    name, _, since = key.partition("@")
    return name, since or None


def _api_nodes(table: dict[str, tuple[str, str, str]]) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for key, (kind, returns, tree) in table.items():
        name, since = _split(key)
        node: Node = {"k": kind}
        if since:
            node["v"] = since
        if returns:
            node["r"] = returns
        children = parse_tree(tree)
        if kind == NAMESPACE and name == "ai":
            children = _api_nodes(AI_APIS)
        if children:
            node["c"] = children
        out[name] = node
    return out


def _plain_nodes(table: dict[str, str]) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for key, tree in table.items():
        name, since = _split(key)
        node: Node = {"v": since} if since else {}
        children = parse_tree(tree)
        if children:
            node["c"] = children
        out[name] = node
    return out


@cache
def surface() -> dict[str, dict[str, Node]]:
    """The whole table as plain data: ``{"apis", "classes", "components", "features"}``,
    each mapping a name to its node. Built once; treat it as read-only."""
    return {
        "apis": _api_nodes(APIS),
        "classes": _plain_nodes(CLASSES),
        "components": _plain_nodes(COMPONENTS),
        "features": _plain_nodes(FEATURES),
    }
