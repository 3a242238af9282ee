"""Email alerts for any list (GOV.UK's email-alert-api is the model).

- `criteria`: a list's filter parameters, normalised, and the list they name;
- `matching`: which lists a public version belongs to (the FilterSet's rule, in Python);
- `tokens`: the signed links of the mail (confirm, unsubscribe, manage);
- `subscribing`: requests, confirmations, unsubscriptions, the manage page's changes;
- `mail`: the messages (plain text and HTML, the subscriber's language and direction);
- `sending`: fan-out of an edition, digest runs and the batches that send them;
- `suppression`: bounces and complaints (anymail's webhooks, DSN mailboxes), purges;
- `views`, `urls`: the public pages under /<lang>/alerts/.

The pieces that run in the background are tasks (statements/tasks/alerts.py).
"""
