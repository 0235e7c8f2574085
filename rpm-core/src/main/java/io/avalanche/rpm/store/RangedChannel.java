package io.avalanche.rpm.store;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a stored object that fetches only the blocks read, with ranged GETs: lets
 * {@code RpmReader} parse a remote package's headers without downloading its payload.
 */
public final class RangedChannel implements SeekableByteChannel {
    private static final int BLOCK = 128 * 1024;
    private final ObjectStore store;
    private final String key;
    private final long size;
    private long position;
    private long blockStart = -1;
    private byte[] block = new byte[0];
    private int requests;

    public RangedChannel(ObjectStore store, String key, long size) {
        this.store = store;
        this.key = key;
        this.size = size;
    }

    /** Number of ranged GETs made so far. */
    int requests() {
        return requests;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            if (blockStart < 0 || position < blockStart || position >= blockStart + block.length) {
                blockStart = position;
                long end = Math.min(size, position + Math.max(BLOCK, dst.remaining())) - 1;
                block = store.getRange(key, position, end);
                requests++;
                if (block.length == 0) {
                    break;
                }
            }
            int off = (int) (position - blockStart);
            int n = Math.min(dst.remaining(), block.length - off);
            dst.put(block, off, n);
            position += n;
            total += n;
        }
        return total == 0 ? -1 : total;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        block = new byte[0];
    }
}
