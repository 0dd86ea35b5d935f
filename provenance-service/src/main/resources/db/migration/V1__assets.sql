-- Every asset Safeframe marked: what made it, for whom (as a keyed hash, never the account id), and the
-- watermark payload that leads back here from any copy, even one whose manifest was stripped.
create table asset (
    asset_id          uuid primary key,
    account_hmac      text not null,
    model             text not null,
    model_version     text not null,
    prompt_verdict_id text,
    media_type        text not null,
    watermark_payload text not null unique check (watermark_payload ~ '^[0-9a-f]{16}$'),
    key_id            text not null,
    content_sha256    text not null,
    -- set once C2PA manifests are embedded (issue 7, second part)
    manifest_sha256   text,
    correlation_id    text,
    created_at        timestamptz not null default now()
);
create index asset_by_account on asset (account_hmac, created_at desc);
