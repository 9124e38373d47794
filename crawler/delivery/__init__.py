"""Delivery by e-mail: the weekly county summaries and the same-day under-18 alert.

- ``settings``: the ``delivery:`` section (recipients per län, the SMTP server);
- ``message``: the e-mails, built from what the report already shows;
- ``smtp``: one message to one server (smtplib), failures with the server's reason;
- ``alerts``: which län a snapshot found a stated age under 18 in, and on which sites;
- ``send``: queue, claim, send and record, exactly once per län and week
  (the records: crawler/delivery/records.py, beside the run history).
"""
