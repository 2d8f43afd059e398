"""Publishing films to YouTube: OAuth connection, token encryption, metadata, upload.

Google-facing core: `oauth` (connect, callback, channel, revoke), `token_crypto` (refresh
tokens at rest), `metadata` (videos.insert body), `thumbnail` (frame from the film),
`publisher` (resumable upload with retries, captions, thumbnail, playlist), `classify` and
`retry` (what is retried), `errors` (what can fail), `gateway` (where the HTTP goes).
Studio side: `routes` (thin) -> `connection` (channel accounts) and `service` (queue and list
uploads) -> db.repositories.youtube; `upload_records` is what the worker's upload job
(app.worker.youtube_job) records.
"""
