package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.ObjectStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.avalanche.rpm.publish.YumRepository.REPOMD;

/**
 * Writes the index of a {@link YumRepository} update: repomd.xml.asc, then repomd.xml, each only while the stored
 * version is the one the update was computed from; an unchanged index whose signature state matches stays as it is.
 */
final class IndexWriter {
    private IndexWriter() {
    }

    /** As {@link YumRepository#completeIndex}. */
    static YumRepository.Result completeIndex(YumRepository y, YumRepository.Pending p, byte[] armoredSignature,
                                              RepositoryKey key, boolean justRead) {
        ObjectStore store = y.store;
        String dir = y.dir;
        if (!p.dir().equals(dir)) {
            throw new PublishException("pending metadata of " + store.describe(p.dir()) + " cannot complete "
                    + store.describe(dir));
        }
        String idx = dir + REPOMD;
        String asc = idx + ".asc";
        boolean reread = !justRead || p.unchanged();
        List<Optional<byte[]>> reads = reread ? y.run(List.<java.util.concurrent.Callable<Optional<byte[]>>>of(
                () -> store.get(idx), () -> store.get(asc))) : null;
        if (reread) {
            String nowSha = reads.get(0).map(Digests::sha256Hex).orElse(null);
            if (!java.util.Objects.equals(nowSha, p.baseSha256())) {
                throw changed(store, dir, idx);
            }
        }
        List<String> written = new ArrayList<>(p.result().written());
        List<String> removed = new ArrayList<>();
        boolean ascExists = reread ? reads.get(1).isPresent() : p.ascTag() != null;
        Optional<byte[]> ascNow = reread ? reads.get(1) : Optional.empty();
        boolean keepAsIs = p.unchanged() && (armoredSignature == null ? !ascExists
                : ascNow.isPresent() && key != null && key.checkDetached(p.repomd(), ascNow.get()) == null);
        if (!keepAsIs) {
            try {
                if (armoredSignature != null) {
                    store.putIf(asc, armoredSignature, "text/plain", p.ascTag());
                    written.add(asc);
                }
                store.putIf(idx, p.repomd(), "application/xml", p.baseTag());
            } catch (ConcurrentWriteException e) {
                throw changed(store, dir, idx);
            }
            written.add(idx);
            if (armoredSignature == null && ascExists) {
                store.delete(asc);
                removed.add(asc);
                y.log.accept("warning: " + store.describe(idx) + " is now unsigned: removed the old repomd.xml.asc");
            }
        }
        YumRepository.Result r = p.result();
        return new YumRepository.Result(dir, r.packages(), r.reused(), r.readRemotely(), List.copyOf(written),
                List.copyOf(removed));
    }

    private static ConcurrentWriteException changed(ObjectStore store, String dir, String idx) {
        return new ConcurrentWriteException(store.describe(idx) + " changed since this publish read it (another "
                + "publish of " + store.describe(dir) + " ran in between); this publish did not write its index: "
                + "re-run publish to include both");
    }
}
