"""Data only: calls that send an email and wait for the mail server or provider (FBP204).

Keys are canonical qualified names (see ``apis.types.canonical``); a method of an
instance of ``T`` is ``T.method``.
"""

from __future__ import annotations

MAIL_SENDS: frozenset[str] = frozenset({
    "smtplib.SMTP.sendmail", "smtplib.SMTP.send_message",
    "aiosmtplib.send", "aiosmtplib.SMTP.sendmail", "aiosmtplib.SMTP.send_message",
    "fastapi_mail.FastMail.send_message",
    "sendgrid.SendGridAPIClient.send",
    # Sync SMTP senders: ``emails.Message(...).send(smtp=...)`` (FastAPI's full-stack
    # template), yagmail, redmail (``gmail``/``outlook`` are ready-made ``EmailSender``s).
    "emails.Message.send",
    "yagmail.SMTP.send",
    "redmail.EmailSender.send", "redmail.EmailSender.send_message",
    "redmail.gmail.send", "redmail.outlook.send",
    # boto3 clients are untyped: only SES/SESv2 clients have these methods.
    "boto3.client.send_email", "boto3.client.send_raw_email",
    "boto3.client.send_templated_email", "boto3.client.send_bulk_templated_email",
    "boto3.client.send_bulk_email",
})

# The names those calls are written with (``smtp.sendmail(...)``): a project whose files
# never write one sends no mail through these APIs, whatever its helpers call.
MAIL_METHOD_NAMES: frozenset[str] = frozenset(name.rpartition(".")[2] for name in MAIL_SENDS)


def _methods_by_library() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name in MAIL_SENDS:
        found.setdefault(name.partition(".")[0], set()).add(name.rpartition(".")[2])
    return {root: frozenset(names) for root, names in found.items()}


# The package a mail call comes from -> the names it is written with: ``send`` is a
# mail call only in a project that imports sendgrid (elsewhere it is a websocket's,
# a queue's...), so a project's helper chains end in a mail call only through the
# names of the mail packages it imports.
MAIL_METHODS_BY_LIBRARY: dict[str, frozenset[str]] = _methods_by_library()

# A coroutine handed to one of these runs on its own, after the response: not inline.
DETACHING_CALLS: frozenset[str] = frozenset({
    "asyncio.create_task", "asyncio.ensure_future", "asyncio.AbstractEventLoop.create_task",
    "asyncio.TaskGroup.create_task",
})
