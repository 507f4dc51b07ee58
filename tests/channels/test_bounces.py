"""Reading bounces: RFC 3464 delivery status notifications and plain-text ones."""

from __future__ import annotations

from datetime import UTC, datetime

from arrears.channels.base import OutgoingMessage
from arrears.channels.bounces import Bounce, parse_bounce
from arrears.channels.email_smtp import build_mime, message_id_for

KEY = "plan:42:step:1"
MESSAGE_ID = message_id_for(KEY, "arrears.test")


def original_headers() -> str:
    """The headers of a message our SMTP adapter sent, as a relay returns them."""
    sent = OutgoingMessage(KEY, "email", "li.na@example.test", "", "您好", subject="还款提醒")
    mime = build_mime(
        sent,
        sender="催收中心 <collections@arrears.test>",
        message_id=MESSAGE_ID,
        date=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
    )
    head = mime.as_bytes().split(b"\r\n\r\n", 1)[0].decode("ascii")
    return "Return-Path: <bounces@arrears.test>\n" + head.replace("\r\n", "\n")


# A Postfix bounce, as received by the return-path mailbox (RFC 3464).
POSTFIX_DSN = f"""\
Return-Path: <>
Received: by mx.arrears.test (Postfix) id 4Yx1Kq0Zz9z9sWQ; Fri, 20 Nov 2026 09:00:05 +0800 (CST)
Date: Fri, 20 Nov 2026 09:00:05 +0800 (CST)
From: MAILER-DAEMON@mx.arrears.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@arrears.test
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Yx1Kq0Zz9z9sWQ.1763600405/mx.arrears.test"
Content-Transfer-Encoding: 8bit
Message-Id: <20261120010005.4Yx1Kq0Zz9z9sWQ@mx.arrears.test>

This is a MIME-encapsulated message.

--4Yx1Kq0Zz9z9sWQ.1763600405/mx.arrears.test
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.arrears.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<li.na@example.test>: host mx.example.test[192.0.2.10] said: 550 5.1.1
    <li.na@example.test>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4Yx1Kq0Zz9z9sWQ.1763600405/mx.arrears.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.arrears.test
X-Postfix-Queue-ID: 4Yx1Kq0Zz9z9sWQ
X-Postfix-Sender: rfc822; bounces@arrears.test
Arrival-Date: Fri, 20 Nov 2026 09:00:03 +0800 (CST)

Final-Recipient: rfc822; li.na@example.test
Original-Recipient: rfc822;li.na@example.test
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.test
Diagnostic-Code: smtp; 550 5.1.1 <li.na@example.test>: Recipient address
    rejected: User unknown in virtual mailbox table

--4Yx1Kq0Zz9z9sWQ.1763600405/mx.arrears.test
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

{original_headers()}

--4Yx1Kq0Zz9z9sWQ.1763600405/mx.arrears.test--
"""

# Two recipients in one report: one delayed (mailbox full), one delivered; the original
# returned in full as message/rfc822.
MIXED_DSN = """\
From: Mail Delivery Subsystem <mailer-daemon@relay.example.test>
To: bounces@arrears.test
Subject: Delivery Status Notification (Delay)
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"

--b1
Content-Type: text/plain; charset="us-ascii"

Delivery to the following recipient has been delayed: wang.wei@example.test

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.test

Final-Recipient: rfc822; wang.wei@example.test
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 The email account that you tried to reach is over quota
Will-Retry-Until: Sat, 21 Nov 2026 09:00:00 +0000

Final-Recipient: rfc822; zhao.min@example.test
Action: delivered
Status: 2.0.0

--b1
Content-Type: message/rfc822

Message-ID: <d2f9c0@arrears.test>
X-Arrears-Key: plan:43:step:1
From: collections@arrears.test
To: wang.wei@example.test, zhao.min@example.test
Subject: reminder

Please pay.

--b1--
"""

# A bounce without MIME structure, fields written into the text.
PLAIN_BOUNCE = """\
From: postmaster@legacy.example.test
To: bounces@arrears.test
Subject: Returned mail: see transcript for details

The original message was received at Fri, 20 Nov 2026 09:00:00 +0800
from mx.arrears.test [198.51.100.7]

   ----- The following addresses had permanent fatal errors -----
<chen.jie@legacy.example.test>

Reporting-MTA: dns; legacy.example.test
Original-Recipient: rfc822; chen.jie@legacy.example.test
Final-Recipient: RFC822; chen.jie@legacy.example.test
Action: failed
Status: 5.2.1
Diagnostic-Code: SMTP; 550 5.2.1 Mailbox disabled for this recipient

   ----- Original message follows -----
Message-ID: <aa11bb22@arrears.test>
X-Arrears-Key: plan:44:step:3
Subject: reminder
"""


def test_postfix_hard_bounce() -> None:
    [bounce] = parse_bounce(POSTFIX_DSN.encode("utf-8"))
    assert bounce == Bounce(
        message_id=MESSAGE_ID,
        recipient="li.na@example.test",
        status="hard",
        diagnostic="550 5.1.1 <li.na@example.test>: Recipient address rejected: "
        "User unknown in virtual mailbox table",
        dedup_key=KEY,
    )


def test_delayed_recipient_is_soft_and_delivered_one_is_ignored() -> None:
    [bounce] = parse_bounce(MIXED_DSN)
    assert bounce.recipient == "wang.wei@example.test"
    assert bounce.status == "soft"
    assert bounce.diagnostic.startswith("452 4.2.2")
    assert bounce.message_id == "<d2f9c0@arrears.test>"
    assert bounce.dedup_key == "plan:43:step:1"


def test_plain_text_bounce() -> None:
    [bounce] = parse_bounce(PLAIN_BOUNCE)
    assert bounce.recipient == "chen.jie@legacy.example.test"
    assert bounce.status == "hard"
    assert bounce.diagnostic == "550 5.2.1 Mailbox disabled for this recipient"
    assert bounce.message_id == "<aa11bb22@arrears.test>"
    assert bounce.dedup_key == "plan:44:step:3"


def test_failed_with_a_temporary_status_is_soft() -> None:
    expired = MIXED_DSN.replace("Action: delayed", "Action: failed").replace(
        "Status: 4.2.2", "Status: 4.4.7"
    )
    [bounce] = parse_bounce(expired)
    assert bounce.status == "soft"


def test_an_ordinary_message_is_not_a_bounce() -> None:
    reply = "From: li.na@example.test\nTo: collections@arrears.test\nSubject: Re\n\n我会还款。\n"
    assert parse_bounce(reply) == []
