package io.avalanche.rpm.release;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.Digests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The signing approval of an avalanchego-service header: the key holder builds the package this tag makes itself
 * (same build time and compression as the header says) and signs only a header equal to that one byte for byte,
 * the compressed payload's digest aside (compressors may differ between machines; the uncompressed archive's
 * digest and every file's digest pin the content).
 */
final class ServiceApproval {
    private ServiceApproval() {
    }

    static SigningApproval.Approved approve(ReleaseTag tag, String fileName, Header h, byte[] mainHeader) {
        String expectedName = tag.fileName(AvalanchegoService.NAME, Arch.NOARCH);
        if (!expectedName.equals(fileName)) {
            throw new RpmException(fileName + ": file name is '" + fileName + "', this build may sign only "
                    + expectedName);
        }
        long[] time = h.numbers(Tag.BUILDTIME);
        String compressor = h.string(Tag.PAYLOADCOMPRESSOR);
        String level = h.string(Tag.PAYLOADFLAGS);
        if (time.length != 1) {
            throw new RpmException(fileName + ": header has no build time");
        }
        Compression c = Compression.parse(compressor == null ? "none" : compressor + (level == null ? "" : ":" + level));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rpm-release-approval-");
            Path rpm = RpmWriter.write(AvalanchegoService.spec(tag, time[0], c, dir.resolve("src")), dir, expectedName);
            Header expected = RpmReader.read(rpm).header();
            if (!Arrays.equals(withoutPayloadDigest(h), withoutPayloadDigest(expected))) {
                throw new RpmException(fileName + ": header is not the " + AvalanchegoService.NAME + " package of "
                        + tag.tag() + " (built at " + time[0] + " with " + c + "); this build may sign only that one");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("signing approval: cannot build the expected " + AvalanchegoService.NAME
                    + " package: " + IoErrors.why(e), e);
        } finally {
            OutputDir.deleteTree(dir);
        }
        String nevra = AvalanchegoService.NAME + "-" + tag.version() + "-" + tag.release() + ".noarch";
        return new SigningApproval.Approved(fileName, AvalanchegoService.NAME, nevra, Digests.sha256Hex(mainHeader));
    }

    private static byte[] withoutPayloadDigest(Header h) {
        return HeaderCodec.encode(h.toBuilder().remove(Tag.PAYLOADDIGEST.id()).build(),
                HeaderCodec.REGION_TAG_IMMUTABLE);
    }
}
