"""What debtors send back: replies to collection texts and e-mails.

Inbound messages are read before anything else happens to an account: a reply
can stop all contact (an opt-out must be honoured at once), put the debt in
dispute, report a payment or promise one. :mod:`arrears.inbound.intent` tells
which, in Chinese and English, and pulls out the amount and the date a reply
names. Storing the reply and acting on it (holds, promises, review queues)
belong to the services that call it.
"""
