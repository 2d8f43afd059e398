"""Publishing films to YouTube: OAuth connection, token encryption, metadata, upload.

Modules: `oauth` (connect, callback, channel, revoke), `token_crypto` (refresh tokens at
rest), `metadata` (videos.insert body), `thumbnail` (frame from the film), `publisher`
(resumable upload with retries, captions, thumbnail, playlist), `errors` (what can fail).
"""
