package io.c2c.signaling.site.collect;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What one collect run did: the manifest it published (if any file could be collected) and every path it could
 * not collect, with the reason. Nothing is skipped silently.
 *
 * @param source where the paths came from: {@code request} (the owner's list) or {@code sitemap}
 */
@Schema(name = "CollectResult")
public record CollectResult(String siteId, String manifestId, boolean published, String source, int filesCollected,
                            long totalBytes, long durationMillis, List<FileError> errors) {

    /**
     * One path that is not in the manifest.
     *
     * @param error a stable code: {@code http-status}, {@code too-large}, {@code redirect-loop},
     *              {@code non-http-redirect}, {@code off-origin-redirect}, {@code too-many-redirects},
     *              {@code origin-unreachable}, {@code timeout}, {@code blocked-address}, {@code invalid-path},
     *              {@code limit-files}, {@code limit-total-bytes}, {@code limit-time}, {@code sitemap}, ...
     */
    @Schema(name = "CollectFileError")
    public record FileError(String path, String error, String detail) {
    }
}
