"""``swan.connectSocket`` and SocketTask: the Python half (JS half: prelude/socket.js).

Each socket is one ``websockets`` client connection. Events for the app (the connect call's
answer, open, message, error, close) are queued per socket and delivered in one entry into
JS per loop turn, in order; frames the app sends go out in the order it sent them.

What the library would otherwise decide on its own is ours: redirects (none followed,
:mod:`.handshake`), frames from a hostile server (:mod:`.failing`), and the pace of a weak
network (:mod:`.connection`)::

    frames.py      what a frame may be: the size cap, close codes, text a frame can carry,
                   writing a frame without a task switch
    handshake.py   the opening handshake: no redirect followed, its errors as ours
    failing.py     failing the connection on what the server sent, and hanging up
    connection.py  one app socket: its connection, flow, queued events and sends
    service.py     the bridge handlers (socket.connect/send/close) of one app
"""

from emulator.swan.socket.frames import MAX_FRAME_BYTES, R_NOT_UTF8, R_TOO_BIG
from emulator.swan.socket.service import SocketService

__all__ = ["MAX_FRAME_BYTES", "R_NOT_UTF8", "R_TOO_BIG", "SocketService"]
