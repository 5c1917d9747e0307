package io.c2c.signaling.site.collect;

import io.c2c.contracts.ContractJson;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.ManifestFile;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.FetchException;
import io.c2c.signaling.site.fetch.SafeFetcher;
import io.c2c.signaling.site.service.Secrets;
import io.c2c.signaling.site.validation.UrlPaths;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a site's files from its origin within the configured bounds and builds the manifest: size, content
 * type, SHA-256 of each file and of each {@code chunkSize} chunk. Every path that does not make it into the
 * manifest is reported with a reason.
 */
@ApplicationScoped
public class Collector {

    private final SafeFetcher fetcher;
    private final SitesConfig.Collect limits;

    public Collector(SafeFetcher fetcher, SitesConfig config) {
        this.fetcher = fetcher;
        this.limits = config.collect();
    }

    /** The manifest (null when no file could be collected) and the result reported to the owner. */
    public record Outcome(Manifest manifest, CollectResult result) {
    }

    public Outcome collect(String siteId, String origin, List<String> siteDomains, List<String> requestedPaths) {
        long started = System.nanoTime();
        long deadline = started + limits.maxDuration().toNanos();
        List<CollectResult.FileError> errors = new ArrayList<>();
        String source;
        List<String> candidates;
        if (requestedPaths != null && !requestedPaths.isEmpty()) {
            source = "request";
            candidates = requestedPaths;
        } else {
            source = "sitemap";
            candidates = sitemapPaths(origin, siteDomains, deadline, errors);
        }

        Set<String> paths = new LinkedHashSet<>();
        for (String input : candidates) {
            // The canonical form is what the manifest records, the proxy compares and a browser's URL.pathname shows.
            UrlPaths.Result canonical = UrlPaths.canonical(input, ManifestFile.MAX_PATH_LENGTH);
            String candidate = canonical.path();
            if (!canonical.ok()) {
                errors.add(new CollectResult.FileError(truncate(input), "invalid-path", canonical.error()));
            } else if (paths.size() >= limits.maxFiles()) {
                if (!paths.contains(candidate)) {
                    errors.add(new CollectResult.FileError(candidate, "limit-files",
                            "more than " + limits.maxFiles() + " files in one collect"));
                }
            } else {
                paths.add(candidate);
            }
        }

        List<ManifestFile> files = new ArrayList<>();
        long totalBytes = 0;
        for (String path : paths) {
            if (System.nanoTime() >= deadline) {
                errors.add(new CollectResult.FileError(path, "limit-time",
                        "the collect ran out of its " + limits.maxDuration().toSeconds() + " s"));
                continue;
            }
            long budget = Math.min(limits.maxFileBytes(), limits.maxTotalBytes() - totalBytes);
            if (budget <= 0) {
                errors.add(new CollectResult.FileError(path, "limit-total-bytes",
                        "the collect reached its total of " + limits.maxTotalBytes() + " bytes"));
                continue;
            }
            ChunkHasher hasher = new ChunkHasher(limits.chunkSize());
            try {
                SafeFetcher.Response response = fetcher.get(URI.create(origin + path), budget, deadline,
                        SafeFetcher::systemResolve, hasher::update);
                ChunkHasher.Result hashes = hasher.finish();
                totalBytes += hashes.size();
                files.add(new ManifestFile(path, hashes.size(), response.contentType(), hashes.sha256(),
                        hashes.chunks()));
            } catch (FetchException e) {
                boolean overTotal = e.kind() == FetchException.Kind.TOO_LARGE && budget < limits.maxFileBytes();
                errors.add(new CollectResult.FileError(path, overTotal ? "limit-total-bytes" : e.kind().code(),
                        e.getMessage()));
            } catch (IllegalArgumentException e) {
                errors.add(new CollectResult.FileError(path, "invalid-path", "not a valid URL on the origin"));
            }
        }

        Manifest manifest = null;
        if (!files.isEmpty()) {
            files.sort(Comparator.comparing(ManifestFile::path));
            manifest = Manifest.of(manifestId(limits.chunkSize(), files), siteId, limits.chunkSize(),
                    System.currentTimeMillis(), files);
            int encoded = Manifest.encode(manifest).length;
            if (encoded > limits.maxManifestBytes()) {
                errors.add(new CollectResult.FileError("/", "limit-manifest-size", "the manifest would be "
                        + encoded + " bytes, more than " + limits.maxManifestBytes() + "; list fewer files"));
                manifest = null;
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        CollectResult result = new CollectResult(siteId, manifest == null ? null : manifest.manifestId(),
                manifest != null, source, manifest == null ? 0 : files.size(), manifest == null ? 0 : totalBytes,
                millis, List.copyOf(errors));
        return new Outcome(manifest, result);
    }

    /**
     * The manifest id: SHA-256 of the canonical JSON of the chunk size and the files in path order. The site id
     * and the time are left out so that an unchanged site keeps its id (peers keep their cached chunks).
     */
    public static String manifestId(int chunkSize, List<ManifestFile> sortedFiles) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("chunkSize", chunkSize);
        content.put("files", sortedFiles);
        return HexFormat.of().formatHex(Secrets.sha256().digest(ContractJson.toBytes(content)));
    }

    private List<String> sitemapPaths(String origin, List<String> siteDomains, long deadline,
                                      List<CollectResult.FileError> errors) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            fetcher.get(URI.create(origin + "/sitemap.xml"), limits.maxSitemapBytes(), deadline,
                    SafeFetcher::systemResolve, body::writeBytes);
        } catch (FetchException e) {
            errors.add(new CollectResult.FileError("/sitemap.xml", "sitemap",
                    "no paths were given and the sitemap could not be read: " + e.getMessage()));
            return List.of();
        }
        List<String> locations;
        try {
            locations = SitemapParser.locations(body.toByteArray(), limits.maxFiles());
        } catch (IllegalArgumentException e) {
            errors.add(new CollectResult.FileError("/sitemap.xml", "sitemap", e.getMessage()));
            return List.of();
        }
        if (locations.size() > limits.maxFiles()) {
            errors.add(new CollectResult.FileError("/sitemap.xml", "limit-files",
                    "the sitemap lists more than " + limits.maxFiles() + " files; only the first were collected"));
            locations = locations.subList(0, limits.maxFiles());
        }
        URI originUri = URI.create(origin);
        String basePath = originUri.getRawPath() == null ? "" : originUri.getRawPath();
        List<String> paths = new ArrayList<>();
        for (String location : locations) {
            if (location.startsWith("/")) {
                paths.add(location);
                continue;
            }
            try {
                URI uri = new URI(location);
                String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) {
                    errors.add(new CollectResult.FileError(truncate(location), "invalid-path",
                            "sitemap entries with a query are not collected"));
                } else if (host.equals(originUri.getHost()) && uri.getPort() == originUri.getPort()) {
                    paths.add(!basePath.isEmpty() && path.startsWith(basePath + "/")
                            ? path.substring(basePath.length()) : path);
                } else if (siteDomains.contains(host)) {
                    paths.add(path);
                } else {
                    errors.add(new CollectResult.FileError(truncate(location), "off-origin",
                            "sitemap entry is neither on the origin nor on one of the site's domains"));
                }
            } catch (URISyntaxException e) {
                errors.add(new CollectResult.FileError(truncate(location), "invalid-path", "not a valid URL"));
            }
        }
        return paths;
    }

    private static String truncate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() > 200 ? value.substring(0, 200) + "..." : value;
    }
}
