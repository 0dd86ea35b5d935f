-- Clips move to object storage (issue 19): the bytes live in the S3 bucket (clips/ClipStore), job_video keeps what
-- names and checks them. The object is written before the row that refers to it commits, so a row always names a
-- whole object; a read whose size or SHA-256 differs from the row is refused.
--
-- Existing rows are dropped, not moved: this runs before launch, where job_video holds only dev and test clips. What
-- that does to a job (docs/architecture.md#clip-storage): a job still in CLASSIFYING, MARKING or held after
-- classification finds no clip and renders it again (then it is classified again, as any re-render is); a PUBLISHED
-- job keeps its record, provenance and audit trail, and its download answers 410 (no clip stored).
delete from job_video;

alter table job_video
    drop column media,
    add column object_key text   not null,
    add column size_bytes bigint not null check (size_bytes >= 0);

-- one row per object: deleting a row's object can never take another row's clip with it
create unique index job_video_object_key on job_video (object_key);
