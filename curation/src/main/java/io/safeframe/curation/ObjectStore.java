package io.safeframe.curation;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Media referenced as {@code s3://bucket/key}, read with the AWS SDK from AWS S3 or any S3-compatible store
 * ({@code --s3-endpoint}). Credentials come from the SDK's default chain (environment, profile, web identity on
 * Kubernetes), never from the manifest. The size is asked first (HEAD), so an oversized object is refused unread.
 */
final class ObjectStore implements AutoCloseable {

    /** Bucket names as S3 allows them (3–63 lower-case letters, digits, dots, hyphens); keys up to 1024 characters. */
    private static final Pattern REF = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.{1,1024})");

    private final S3Client s3;

    ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    static ObjectStore from(CurationSettings settings) {
        var builder = S3Client.builder().region(Region.of(settings.s3Region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                // checksums only where S3 requires them: the SDK's default CRC trailers are not understood by every
                // S3-compatible store (s3proxy refuses them)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(60)).retryStrategy(RetryMode.STANDARD));
        if (!settings.s3Endpoint().isBlank()) {
            // S3-compatible stores (MinIO, Ceph, s3proxy) address buckets by path, not by host name
            builder.endpointOverride(URI.create(settings.s3Endpoint())).forcePathStyle(true);
        }
        return new ObjectStore(builder.build());
    }

    byte[] read(String ref, long maxBytes) throws MediaSource.Unavailable {
        Matcher m = REF.matcher(ref);
        if (!m.matches()) {
            throw new MediaSource.Unavailable("not an s3://bucket/key reference");
        }
        String bucket = m.group(1);
        String key = m.group(2);
        try {
            long size = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()).contentLength();
            if (size == 0) {
                throw new MediaSource.Unavailable("empty object");
            }
            if (size > maxBytes) {
                throw new MediaSource.Unavailable("larger than " + maxBytes + " bytes");
            }
            byte[] bytes = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray();
            if (bytes.length != size) {
                throw new MediaSource.Unavailable("object changed while read");
            }
            return bytes;
        } catch (S3Exception e) {
            throw new MediaSource.Unavailable(e.statusCode() == 404 ? "missing object" : "object store refused: " + e.statusCode());
        } catch (SdkClientException e) {
            throw new MediaSource.Unavailable("object store unreachable");
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
