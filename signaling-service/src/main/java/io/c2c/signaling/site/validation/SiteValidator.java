package io.c2c.signaling.site.validation;

import io.c2c.contracts.site.SiteSettings;
import io.c2c.signaling.site.SiteRequest;
import io.c2c.signaling.site.config.LocalDemo;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.rest.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks an owner's site request and puts it in canonical form; collects every problem at once so the owner
 * fixes them in one round. Pure logic apart from the configured bounds.
 */
@ApplicationScoped
public class SiteValidator {

    private final LocalDemo localDemo;

    public static final int MAX_ORIGIN_LENGTH = 2048;
    public static final int MAX_ALLOWED_PATH_LENGTH = 256;

    private final SitesConfig.Limits limits;

    public SiteValidator(SitesConfig config, LocalDemo localDemo) {
        this.localDemo = localDemo;
        this.limits = config.limits();
    }

    /** The canonical, bounded form of a site request. */
    public record ValidSite(List<String> domains, String origin, SiteSettings settings) {
    }

    /** The canonical request, or the list of field errors (never both). */
    public record Outcome(ValidSite site, List<FieldError> errors) {
    }

    public Outcome validate(SiteRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            return new Outcome(null, List.of(new FieldError("body", "a JSON object is required")));
        }
        List<String> domains = domains(request.domains(), errors);
        String origin = origin(request.origin(), errors);
        SiteSettings settings = settings(request.settings(), errors);
        return errors.isEmpty() ? new Outcome(new ValidSite(domains, origin, settings), List.of())
                : new Outcome(null, List.copyOf(errors));
    }

    private List<String> domains(List<String> input, List<FieldError> errors) {
        if (input == null || input.isEmpty()) {
            errors.add(new FieldError("domains", "at least one domain is required"));
            return List.of();
        }
        if (input.size() > limits.maxDomainsPerSite()) {
            errors.add(new FieldError("domains", "at most " + limits.maxDomainsPerSite() + " domains per site"));
            return List.of();
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (int i = 0; i < input.size(); i++) {
            String demoName = localDemo.localName(input.get(i));
            Hostnames.Result result = demoName != null ? new Hostnames.Result(demoName, null) : Hostnames.canonical(input.get(i));
            if (!result.ok()) {
                errors.add(new FieldError("domains[" + i + "]", result.error()));
            } else if (!canonical.add(result.value())) {
                errors.add(new FieldError("domains[" + i + "]", "duplicate of another domain of this site"));
            }
        }
        return List.copyOf(canonical);
    }

    /** Canonical origin ({@code scheme://host[:port][/path]} without a trailing slash), or null with an error. */
    public static String canonicalOrigin(String input, List<FieldError> errors) {
        if (input == null || input.isBlank()) {
            errors.add(new FieldError("origin", "origin is required"));
            return null;
        }
        if (input.length() > MAX_ORIGIN_LENGTH) {
            errors.add(new FieldError("origin", "origin must be at most " + MAX_ORIGIN_LENGTH + " characters"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(input.strip());
        } catch (URISyntaxException e) {
            errors.add(new FieldError("origin", "origin is not a valid URL"));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            errors.add(new FieldError("origin", "origin must be an http or https URL"));
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            errors.add(new FieldError("origin", "origin needs a host (ASCII or punycode)"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            errors.add(new FieldError("origin", "origin must not carry credentials"));
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            errors.add(new FieldError("origin", "origin must not have a query or fragment"));
            return null;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.contains("%")) {
            errors.add(new FieldError("origin", "origin path must be plain (no dot segments or escapes)"));
            return null;
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + path;
    }

    private String origin(String input, List<FieldError> errors) {
        return canonicalOrigin(input, errors);
    }

    private SiteSettings settings(SiteRequest.SettingsRequest input, List<FieldError> errors) {
        if (input == null) {
            return SiteSettings.DEFAULTS;
        }
        int errorsBefore = errors.size();
        boolean p2p = input.p2pEnabled() == null ? SiteSettings.DEFAULTS.p2pEnabled() : input.p2pEnabled();
        long cap = input.uploadCapBytesPerSecond() == null ? SiteSettings.DEFAULTS.uploadCapBytesPerSecond()
                : input.uploadCapBytesPerSecond();
        if (cap < 0 || cap > limits.maxUploadCapBytesPerSecond()) {
            errors.add(new FieldError("settings.uploadCapBytesPerSecond",
                    "must be 0.." + limits.maxUploadCapBytesPerSecond()));
        }
        long maxFile = input.maxP2pFileBytes() == null ? SiteSettings.DEFAULTS.maxP2pFileBytes() : input.maxP2pFileBytes();
        if (maxFile < 0 || maxFile > limits.maxP2pFileBytes()) {
            errors.add(new FieldError("settings.maxP2pFileBytes", "must be 0.." + limits.maxP2pFileBytes()));
        }
        List<String> paths = input.allowedPaths() == null ? List.of() : input.allowedPaths();
        if (paths.size() > limits.maxAllowedPaths()) {
            errors.add(new FieldError("settings.allowedPaths", "at most " + limits.maxAllowedPaths() + " entries"));
            paths = List.of();
        }
        for (int i = 0; i < paths.size(); i++) {
            String problem = pathProblem(paths.get(i), MAX_ALLOWED_PATH_LENGTH);
            if (problem != null) {
                errors.add(new FieldError("settings.allowedPaths[" + i + "]", problem));
            }
        }
        String gpc = input.globalPrivacyControl() == null ? SiteSettings.GPC_NO_UPLOAD : input.globalPrivacyControl();
        if (!SiteSettings.GPC_MODES.contains(gpc)) {
            errors.add(new FieldError("settings.globalPrivacyControl", "must be no-upload, origin-only or ignore"));
        }
        if (errors.size() > errorsBefore) {
            return SiteSettings.DEFAULTS; // never built from invalid input; the caller reports the errors
        }
        return new SiteSettings(p2p, cap, maxFile, paths, gpc);
    }

    /** Why {@code path} is not a plain absolute URL path, or null when it is one. */
    public static String pathProblem(String path, int maxLength) {
        if (path == null || !path.startsWith("/")) {
            return "must start with /";
        }
        if (path.length() > maxLength) {
            return "must be at most " + maxLength + " characters";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '\\' || c == '%') {
                return "must be a plain path (no spaces, control characters, ?, #, \\ or % escapes)";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return "must not contain . or .. segments";
            }
        }
        if (path.contains("//")) {
            return "must not contain empty segments";
        }
        return null;
    }
}
