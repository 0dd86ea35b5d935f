package io.safeframe.gateway.clips;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where clips are stored: an S3-compatible bucket ({@code safeframe.clips.*}, application.properties). */
@ConfigMapping(prefix = "safeframe.clips")
public interface ClipsConfig {

    /** The S3 API endpoint; absent means the provider's own for {@link #region()} (AWS). */
    Optional<URI> endpoint();

    String region();

    String bucket();

    /**
     * Static keys (locally, tests, and production from the Secret gateway-clip-storage). Absent: the SDK's default
     * chain (AWS_* environment, instance profile), so the migration Job, which never touches clips, needs none.
     */
    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();

    /** Bucket in the path, not the host name: local servers and most S3-compatible stores need it. */
    @WithDefault("true")
    boolean pathStyle();

    /** {@code AES256}, {@code aws:kms} or {@code none} (s3proxy 2.6.0 answers 501 to the header: none locally). */
    @WithDefault("AES256")
    String serverSideEncryption();

    /**
     * Send the SHA-256 as the object's S3 checksum ({@code x-amz-checksum-sha256}): the store then refuses a body that
     * does not hash to it. s3proxy 2.6.0 (the local server) answers 501 to that header, so dev and tests turn it off.
     */
    @WithDefault("true")
    boolean checksumHeader();

    /** Create the bucket when it is missing (dev, tests); in production the bucket is provisioned with its policy. */
    @WithDefault("false")
    boolean createBucket();

    /**
     * Days after which the bucket itself deletes clips under {@code generated/} (intermediate clips: left behind by a
     * failed step, or waiting longer than this for a moderator); applied as a lifecycle rule at start when set.
     */
    OptionalInt generatedExpiryDays();

    /** Whole-call limit for one put or get (connection, transfer, the SDK's own retries). */
    @WithDefault("60s")
    Duration callTimeout();

    /** The largest clip read back into memory (the gRPC calls that carry clips hold them whole). */
    @WithDefault("268435456")
    long maxBytes();
}
