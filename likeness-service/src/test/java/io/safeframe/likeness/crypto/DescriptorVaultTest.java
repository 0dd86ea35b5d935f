package io.safeframe.likeness.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.safeframe.likeness.crypto.DescriptorVault.SealedDataException;
import io.safeframe.likeness.crypto.DescriptorVault.WrappedKey;

class DescriptorVaultTest {

    private static float[] descriptor(long seed) {
        Random r = new Random(seed);
        float[] d = new float[DescriptorVault.DIMENSIONS];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() * 0.1f;
        }
        return d;
    }

    @Test
    void sealedDescriptorOpensWithTheUnwrappedDataKey() {
        DescriptorVault vault = new DescriptorVault("master-one");
        byte[] dataKey = vault.newDataKey();
        WrappedKey wrapped = vault.wrap(dataKey, "L1");
        float[] d = descriptor(1);
        byte[] sealed = vault.sealDescriptor(dataKey, d, "L1");

        assertArrayEquals(d, vault.openDescriptor(vault.unwrap(wrapped, "L1"), sealed, "L1"));
    }

    @Test
    void sealedBytesDoNotContainThePlainFloats() {
        DescriptorVault vault = new DescriptorVault("master-one");
        float[] d = descriptor(2);
        byte[] sealed = vault.sealDescriptor(vault.newDataKey(), d, "L1");
        ByteBuffer plain = ByteBuffer.allocate(4 * d.length);
        for (float f : d) {
            plain.putFloat(f);
        }
        byte[] firstFloats = Arrays.copyOf(plain.array(), 16);
        assertFalse(indexOf(sealed, firstFloats) >= 0, "sealed descriptor leaks its plain bytes");
        assertEquals(12 + 512 + 16, sealed.length);
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        DescriptorVault vault = new DescriptorVault("master-one");
        byte[] key = vault.newDataKey();
        float[] d = descriptor(3);
        assertFalse(Arrays.equals(vault.sealDescriptor(key, d, "L1"), vault.sealDescriptor(key, d, "L1")));
    }

    @Test
    void aDescriptorMovedToAnotherLikenessDoesNotOpen() {
        DescriptorVault vault = new DescriptorVault("master-one");
        byte[] key = vault.newDataKey();
        byte[] sealed = vault.sealDescriptor(key, descriptor(4), "L1");
        assertThrows(SealedDataException.class, () -> vault.openDescriptor(key, sealed, "L2"));
    }

    @Test
    void aTamperedDescriptorOrWrappedKeyDoesNotOpen() {
        DescriptorVault vault = new DescriptorVault("master-one");
        byte[] key = vault.newDataKey();
        byte[] sealed = vault.sealDescriptor(key, descriptor(5), "L1");
        sealed[20] ^= 1;
        assertThrows(SealedDataException.class, () -> vault.openDescriptor(key, sealed, "L1"));
        WrappedKey w = vault.wrap(key, "L1");
        byte[] bytes = w.wrapped().clone();
        bytes[bytes.length - 1] ^= 1;
        assertThrows(SealedDataException.class, () -> vault.unwrap(new WrappedKey(w.masterKeyId(), bytes), "L1"));
        assertThrows(SealedDataException.class, () -> vault.openDescriptor(key, Arrays.copyOf(sealed, 10), "L1"));
    }

    @Test
    void anotherDataKeyCannotOpenIt() {
        DescriptorVault vault = new DescriptorVault("master-one");
        byte[] sealed = vault.sealDescriptor(vault.newDataKey(), descriptor(6), "L1");
        assertThrows(SealedDataException.class, () -> vault.openDescriptor(vault.newDataKey(), sealed, "L1"));
    }

    @Test
    void rotatedMasterKeyStillUnwrapsOldKeysAndWrapsWithTheNewest() {
        DescriptorVault old = new DescriptorVault("master-one");
        DescriptorVault rotated = new DescriptorVault("master-one,master-two");
        byte[] key = old.newDataKey();
        WrappedKey byOld = old.wrap(key, "L1");
        assertArrayEquals(key, rotated.unwrap(byOld, "L1"));
        WrappedKey byNew = rotated.wrap(key, "L1");
        assertNotEquals(byOld.masterKeyId(), byNew.masterKeyId());
        // a service that only has the old version cannot read what the new one wrapped
        assertThrows(IllegalStateException.class, () -> old.unwrap(byNew, "L1"));
    }

    @Test
    void aWrongMasterKeyCannotUnwrap() {
        WrappedKey w = new DescriptorVault("master-one").wrap(new byte[32], "L1");
        DescriptorVault other = new DescriptorVault("master-other");
        assertThrows(IllegalStateException.class, () -> other.unwrap(w, "L1"));
    }

    @Test
    void noMasterKeyNoService() {
        assertThrows(IllegalStateException.class, () -> new DescriptorVault(""));
        assertThrows(IllegalStateException.class, () -> new DescriptorVault(null));
    }

    @Test
    void onlyDescriptorsOfTheExpectedSizeAreSealed() {
        DescriptorVault vault = new DescriptorVault("m");
        assertThrows(IllegalArgumentException.class, () -> vault.sealDescriptor(vault.newDataKey(), new float[127], "L1"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
