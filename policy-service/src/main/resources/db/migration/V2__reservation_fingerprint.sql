-- A replayed reservation key is honoured only for the same request: the fingerprint is a SHA-256 of the prompt
-- and its parameters, computed by the gateway. Older rows have none and replay as before.
alter table reservation add column request_fingerprint text;
