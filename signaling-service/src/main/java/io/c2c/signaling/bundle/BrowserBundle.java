package io.c2c.signaling.bundle;

import io.c2c.signaling.site.frontdoor.FrontDoor;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the visitor's JavaScript ({@code /c2c/**.js}: the agent's modules and the service worker) minified by
 * {@link JsMinifier} and gzip-compressed when the browser accepts it, with a strong ETag. What every visitor
 * downloads is the budgeted figure (docs/browser.md, "Size"); the sources keep their comments. Each module is
 * prepared once, on its first request, from the application's own resources; other paths go on to the static
 * file handler.
 */
@ApplicationScoped
public class BrowserBundle {

    /** Right after the front door (which adds the worker's scope header), before Quarkus's static files. */
    static final int ORDER = FrontDoor.ORDER + 1;
    static final String ROOT = "META-INF/resources";
    private static final Pattern MODULE = Pattern.compile("/c2c/(?:[a-z0-9-]+/){0,2}[a-z0-9-]+\\.js");

    /** One module as served. */
    public record Module(byte[] plain, byte[] gzip, String etag) {
    }

    private final Map<String, Module> modules = new ConcurrentHashMap<>();

    void route(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void onStart(@Observes StartupEvent event) {
        // keeps the bean eagerly created so the route is registered
    }

    private void handle(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        String path = ctx.normalizedPath();
        if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || !MODULE.matcher(path).matches()) {
            ctx.next();
            return;
        }
        Module module = module(path);
        if (module == null) {
            ctx.next();
            return;
        }
        var response = ctx.response()
                .putHeader("Content-Type", "text/javascript; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("ETag", module.etag())
                .putHeader("Vary", "Accept-Encoding");
        String ifNoneMatch = ctx.request().getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(module.etag()) || ifNoneMatch.trim().equals("*"))) {
            response.setStatusCode(304).end();
            return;
        }
        boolean gzip = acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
        byte[] body = gzip ? module.gzip() : module.plain();
        if (gzip) {
            response.putHeader("Content-Encoding", "gzip");
        }
        response.putHeader("Content-Length", Integer.toString(body.length));
        if (method == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    /** The module as served, or null when the application has no such resource. */
    Module module(String path) {
        Module known = modules.get(path);
        if (known != null) {
            return known;
        }
        byte[] source = read(ROOT + path);
        if (source == null) {
            return null; // not cached: only resources that exist take memory
        }
        Module prepared = prepare(new String(source, StandardCharsets.UTF_8));
        modules.putIfAbsent(path, prepared);
        return prepared;
    }

    /** Minifies and compresses one module's source. */
    public static Module prepare(String source) {
        byte[] plain = JsMinifier.minify(source).getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain);
            return new Module(plain, gzip(plain), "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** gzip at the best level: each module is compressed once and sent many times. */
    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream stream = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            stream.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whether an Accept-Encoding header allows gzip (listed, or {@code *}, without {@code q=0}). */
    static boolean acceptsGzip(String header) {
        if (header == null) {
            return false;
        }
        for (String part : header.toLowerCase(Locale.ROOT).split(",")) {
            String[] pieces = part.trim().split(";");
            String coding = pieces[0].trim();
            if (!coding.equals("gzip") && !coding.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String parameter = pieces[i].replace(" ", "");
                if (parameter.matches("q=0(\\.0{0,3})?")) {
                    refused = true;
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    private static byte[] read(String resource) {
        try (InputStream in = BrowserBundle.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
