-- The layout/strength version each asset was marked with, so that after a change of layout the detector knows
-- which reader an asset's marks need (every row before this one was marked with layout 1, the only one so far).
alter table asset add column watermark_layout smallint not null default 1 check (watermark_layout >= 1);
-- The signed C2PA manifest store as embedded, and its label (the manifest id): the C2PA soft-binding resolution
-- API hands it back for a copy whose manifest was stripped, looked up by the watermark payload.
alter table asset add column manifest_label text;
alter table asset add column manifest_store bytea;
create unique index asset_by_manifest_label on asset (manifest_label) where manifest_label is not null;
