package io.c2c.signaling.site.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem response body ({@code application/problem+json}). {@code errors} lists field-level
 * validation failures.
 */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://c2c.io/problems/";

    /** One invalid input: where ({@code field}, e.g. {@code domains[1]}) and why. */
    public record FieldError(String field, String message) {
    }
}
