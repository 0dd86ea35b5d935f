package io.safeframe.likeness.config;

import io.safeframe.likeness.crypto.DescriptorVault;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The plain classes, configured from {@link LikenessSettings}. */
public class LikenessBeans {

    @Produces
    @Singleton
    DescriptorVault vault(LikenessSettings settings) {
        return new DescriptorVault(settings.masterKey());
    }
}
