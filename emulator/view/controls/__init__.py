"""Built-in components behaving as on the device, driven by node ids.

The window (and headless code) sends raw gestures on nodes of the core's tree; the
:class:`~emulator.view.driver.PageDriver` runs the app's handlers and then the component's
own reaction, from the modules here, one idea each:

- ``tap``: which control a tap reaches and what it does (order, disabled, catch);
- ``choices``: checkbox(-group), radio(-group), switch, label;
- ``form``: submit (named values) and reset;
- ``ranges``: slider, picker-view; ``picker``: the picker's modes;
- ``navigator``: open-type → navigation API; ``open_type``: button open-types;
- ``text_fields``: input/textarea rules, focus, blur, confirm;
- ``scroll``: scroll-view positions and thresholds;
- ``state``: user changes kept on nodes, mirrored as patches, bindings written back;
- ``describe``: what gesture a node wants (for the window's widgets);
- ``props``: attributes read as the components type them.

Rules come from shared/spec/view-layer.md §3–4 (the swan docs' component pages).
"""
