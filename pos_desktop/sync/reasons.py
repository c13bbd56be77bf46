"""Why the till cannot reach head office's broker, in words a shop can act on.

pika wraps the real cause two or three levels deep (``AMQPConnectionError`` around
``AMQPConnectionWorkflowFailed`` around ``AMQPConnectorSocketConnectError`` around
``ConnectionRefusedError``); the status bar, ``sync push`` and ``sync run`` show the
innermost cause: refused, unknown host, no answer, TLS, wrong password. Never a secret.
"""

from __future__ import annotations

import socket
import ssl

import pika.exceptions
from pika.adapters.utils import connection_workflow as workflow

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError


def innermost(error: BaseException) -> BaseException:
    """The cause pika wrapped, however deep."""
    seen = 0
    while seen < 10:
        seen += 1
        if isinstance(error, workflow.AMQPConnectionWorkflowFailed) and error.exceptions:
            error = error.exceptions[-1]
        elif isinstance(error, workflow.AMQPConnectorPhaseErrorBase):
            error = error.exception
        elif (
            isinstance(error, pika.exceptions.AMQPConnectionError)
            and len(error.args) == 1
            and isinstance(error.args[0], BaseException)
        ):
            error = error.args[0]
        else:
            break
    return error


def describe(error: BaseException | None) -> str:
    """A short, secret-free reason for the status bar, the CLI and the log."""
    if error is None:
        return _("connection closed")
    error = innermost(error)
    if isinstance(error, PosError):  # no keyring, no password: already says what to do
        return explain(error)
    if isinstance(error, pika.exceptions.ProbableAuthenticationError):
        return _("the server refused the user name or the password")
    if isinstance(error, pika.exceptions.ProbableAccessDeniedError):
        return _("the user has no access to the configured virtual host")
    if isinstance(error, pika.exceptions.ConnectionBlockedTimeout):
        return _("the server was in alarm (memory or disk) for too long")
    if isinstance(error, pika.exceptions.ChannelClosedByBroker):
        return _("the server closed the channel: {code} {text}").format(
            code=error.reply_code, text=error.reply_text)
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("TLS: the server's certificate was not accepted ({reason})").format(
            reason=error.verify_message or error.reason)
    if isinstance(error, ssl.SSLError):
        return _("TLS failed ({reason}): does the server speak TLS on that port? "
                 "amqps:// is usually port 5671").format(reason=error.reason or error)
    if isinstance(error, ConnectionRefusedError):
        return _("connection refused: nothing answers at that address and port "
                 "(is the broker running?)")
    if isinstance(error, socket.gaierror):
        return _("unknown server name (check the broker address)")
    if isinstance(error, TimeoutError | workflow.AMQPConnectorStackTimeout):
        return _("the server did not answer in time")
    if isinstance(error, pika.exceptions.StreamLostError | ConnectionResetError) or (
        isinstance(error, pika.exceptions.IncompatibleProtocolError) and "StreamLost" in str(error)
    ):
        return _("the network or the server cut the connection")
    if isinstance(error, pika.exceptions.IncompatibleProtocolError):
        return _("what answers at that address and port is not an AMQP broker")
    if isinstance(error, OSError):
        return _("network error: {reason}").format(reason=error.strerror or error)
    if isinstance(error, pika.exceptions.AMQPConnectionError):
        return _("no connection with the server ({reason})").format(
            reason=(str(error) or type(error).__name__)[:160])
    return f"{type(error).__name__}: {str(error)[:160]}"


def server_in_alarm() -> str:
    return _("the server is in alarm (memory or disk): sending waits")
