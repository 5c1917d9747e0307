package io.c2c.signaling.site.service;

import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.Owner;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Owner accounts: creation (the API key is returned once and only its SHA-256 is stored, in the durable
 * {@code sites} topic) and authentication of API requests by bearer key.
 */
@ApplicationScoped
public class OwnerService {

    public static final String API_KEY_PREFIX = "c2c_";
    public static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_KEY_LENGTH = 128;

    private final SiteLog log;

    public OwnerService(SiteLog log) {
        this.log = log;
    }

    /** A new owner and its API key (the only time the key exists outside the owner's hands). */
    public record Created(Owner owner, String apiKey) {
    }

    public Created create(String name) {
        String apiKey = Secrets.token(API_KEY_PREFIX);
        Owner owner = new Owner(Secrets.id(), name, Secrets.sha256Hex(apiKey), System.currentTimeMillis());
        log.write(SitesTopic.ownerKey(owner.ownerId()), SitesTopic.TYPE_OWNER, Owner.encode(owner));
        return new Created(owner, apiKey);
    }

    /**
     * A new API key for {@code owner}; the old one stops working once the change is in the registry (before
     * this returns, on this pod). Returned once, stored hashed, like the first.
     */
    public Created rotateKey(Owner owner) {
        String apiKey = Secrets.token(API_KEY_PREFIX);
        Owner rotated = new Owner(owner.ownerId(), owner.name(), Secrets.sha256Hex(apiKey), owner.createdAt());
        log.write(SitesTopic.ownerKey(owner.ownerId()), SitesTopic.TYPE_OWNER, Owner.encode(rotated));
        return new Created(rotated, apiKey);
    }

    /**
     * The owner holding the key in an {@code Authorization: Bearer <key>} header.
     *
     * @throws ProblemException 401 for a missing, malformed or unknown key (the same answer for all three)
     */
    public Owner authenticate(String authorization) {
        return findByAuthorization(authorization)
                .orElseThrow(() -> ProblemException.unauthorized("a valid API key is required (Authorization: Bearer <key>)"));
    }

    Optional<Owner> findByAuthorization(String authorization) {
        if (authorization == null || authorization.length() > MAX_KEY_LENGTH + 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = authorization.substring(7).strip();
        if (!key.startsWith(API_KEY_PREFIX)) {
            return Optional.empty();
        }
        return log.store().ownerByKeyHash(Secrets.sha256Hex(key));
    }
}
