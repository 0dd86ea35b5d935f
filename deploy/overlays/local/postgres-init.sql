-- Run once by the postgres image on an empty volume: one database per service and the audit witness's own.
CREATE DATABASE safeframe_policy;
CREATE DATABASE safeframe_frames;
CREATE DATABASE safeframe_provenance;
CREATE DATABASE safeframe_report;
CREATE DATABASE safeframe_likeness;
CREATE DATABASE safeframe_gateway;
CREATE DATABASE safeframe_audit_witness;
