package io.safeframe.identity.actor;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * The actor and correlation id a request asserts in its {@code context} (safeframe.v1.RequestContext), read through
 * the protobuf descriptor so this library needs no generated classes (and no reflection). A message without a
 * context asserts nobody.
 */
public record RequestActor(String actor, String correlationId) {

    static final RequestActor NOBODY = new RequestActor("", "");
    private static final String CONTEXT_TYPE = "safeframe.v1.RequestContext";

    public static RequestActor of(Object request) {
        if (!(request instanceof Message message)) {
            return NOBODY;
        }
        FieldDescriptor field = message.getDescriptorForType().findFieldByName("context");
        if (field == null || field.getType() != FieldDescriptor.Type.MESSAGE
                || !CONTEXT_TYPE.equals(field.getMessageType().getFullName()) || !message.hasField(field)) {
            return NOBODY;
        }
        Message context = (Message) message.getField(field);
        return new RequestActor(text(context, "actor"), text(context, "correlation_id"));
    }

    private static String text(Message context, String name) {
        FieldDescriptor field = context.getDescriptorForType().findFieldByName(name);
        return field == null ? "" : (String) context.getField(field);
    }
}
