package io.github.iskahomes.analytics.core;

import java.util.Objects;

/** One listing, user (lister) or development, by id. */
public record EntityRef(EntityKind kind, String id) {
    public EntityRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static EntityRef listing(String id) {
        return new EntityRef(EntityKind.LISTING, id);
    }

    public static EntityRef user(String id) {
        return new EntityRef(EntityKind.USER, id);
    }

    public static EntityRef development(String id) {
        return new EntityRef(EntityKind.DEVELOPMENT, id);
    }
}
