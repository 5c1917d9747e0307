package io.c2c.signaling.site.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.c2c.signaling.site.repository.RegistryUnavailableException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns the owner API's failures into RFC 9457 problem responses. Malformed JSON is mapped here too so that a
 * client never gets a stack trace or an HTML page.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e, uri);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        // The parser's message may echo input; keep only its location.
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return respond(new ProblemException(400, "malformed-json", "Malformed JSON",
                "the request body is not valid JSON for this endpoint" + where), uri);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    /**
     * Framework errors on the owner API (unreadable body, unsupported media type, unknown method ...) become
     * problems with the same status; elsewhere, and when a response already has a body, they stay as they are.
     */
    @ServerExceptionMapper
    public Response webApplication(jakarta.ws.rs.WebApplicationException e, UriInfo uri) {
        Response original = e.getResponse();
        String path = uri == null ? "" : uri.getPath();
        if (original == null || original.hasEntity() || !(path.startsWith("/api/v1/") || path.startsWith("api/v1/"))) {
            return original;
        }
        int status = original.getStatus();
        String reason = original.getStatusInfo().getReasonPhrase();
        String detail = status == 400 ? "the request body is not valid JSON for this endpoint" : reason;
        String slug = status == 400 ? "malformed-json" : "http-" + status;
        return respond(new ProblemException(status, slug, reason, detail), uri);
    }

    @ServerExceptionMapper
    public Response registryDown(RegistryUnavailableException e, UriInfo uri) {
        return respond(new ProblemException(503, "registry-unavailable", "Registry unavailable",
                "the registry could not store the change; nothing was changed or the outcome is unknown: "
                        + "read the resource before retrying", null, Map.of("Retry-After", "5")), uri);
    }

    static Response respond(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(e.toProblem(uri == null ? null : uri.getRequestUri().getRawPath()));
        e.headers().forEach(builder::header);
        return builder.build();
    }
}
