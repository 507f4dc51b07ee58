"""Local stand-ins for the outside world, shipped for development, demos and tests.

They are real servers on 127.0.0.1, not mocks inside the product: the product's
adapters talk to them over the same protocols they use in production.

- :mod:`~arrears.sandbox.mail_sink` — an SMTP server (aiosmtpd) that files each
  message as an ``.eml`` (optional AUTH, STARTTLS, refused recipients);
- :mod:`~arrears.sandbox.sms_provider` — an HTTP SMS provider with the API the
  ``http_sms`` adapter speaks, signed delivery receipts and simulated replies;
- :mod:`~arrears.sandbox.server` — runs an ASGI app with uvicorn in a thread.

``arrears sandbox mail`` and ``arrears sandbox sms`` start them from the shell.
"""
