package io.avalanche.rpm.publish;

import io.avalanche.rpm.IoErrors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A publish between {@link Publisher#prepare} and {@link Publisher#complete}: packages uploaded, new metadata files
 * stored, no index written yet. Plain data (Serializable, and JSON through {@link #toJson()}) so it can cross a
 * process or remoting boundary to where the signing key is and back.
 *
 * @param destination  the store root it was prepared for ({@code store.describe(layout.root())})
 * @param objects      the package/key outcomes so far
 * @param repositories per repository directory: the new repomd.xml bytes, the SHA-256 of the one it replaces,
 *                     the old metadata to remove
 * @param repoName     section name of the .repo file
 * @param repoRoot     URL customers reach the layout root under
 * @param timestamp    metadata timestamp (epoch seconds)
 * @param force        the publish was forced: {@link Publisher#complete} may then drop the signatures of a signed
 *                     repository
 * @param layout       where the release goes in the destination
 */
public record PendingPublish(String destination, List<Publisher.Outcome> objects,
                             List<YumRepository.Pending> repositories, String repoName, String repoRoot,
                             long timestamp, boolean force, Layout layout) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public PendingPublish {
        objects = List.copyOf(objects);
        repositories = List.copyOf(repositories);
    }

    /** Repository directory (e.g. {@code linux/rpms/x86_64/}) to the exact repomd.xml bytes to sign, in order. */
    public Map<String, byte[]> toSign() {
        Map<String, byte[]> r = new LinkedHashMap<>();
        for (YumRepository.Pending p : repositories) {
            r.put(p.dir(), p.repomd());
        }
        return r;
    }

    /** Repository directory to the armored detached signature {@code signer} makes over its repomd.xml. */
    public Map<String, byte[]> sign(DetachedSigner signer) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        toSign().forEach((dir, repomd) -> r.put(dir, signer.signDetached(repomd)));
        return r;
    }

    /** This pending publish as JSON (bytes as base64). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new PublishException("cannot write the pending publish as JSON: " + IoErrors.why(e), e);
        }
    }

    /** Reads what {@link #toJson()} wrote. */
    public static PendingPublish fromJson(String json) {
        try {
            return JSON.readValue(json, PendingPublish.class);
        } catch (JsonProcessingException e) {
            throw new PublishException("not a pending publish (" + e.getOriginalMessage()
                    + "): pass the text Publisher.prepare produced, unchanged", e);
        }
    }
}
