package io.c2c.discovery.rest;

import io.c2c.discovery.service.ProblemException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders {@link ProblemException} as an RFC 9457 {@code application/problem+json} response. */
@Provider
public class ProblemMapper implements ExceptionMapper<ProblemException> {

    public static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public Response toResponse(ProblemException e) {
        return problem(e.status(), e.title(), e.getMessage(), e.retryAfterSeconds());
    }

    static Response problem(int status, String title, String detail, Integer retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        Response.ResponseBuilder response = Response.status(status).type(PROBLEM_JSON).entity(body);
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return response.build();
    }
}
