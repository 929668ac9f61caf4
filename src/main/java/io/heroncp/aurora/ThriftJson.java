package io.heroncp.aurora;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.thrift.TBase;
import org.apache.thrift.TEnum;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.TFieldRequirementType;
import org.apache.thrift.TUnion;
import org.apache.thrift.meta_data.FieldMetaData;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A generated Thrift struct as a readable JSON tree keyed by IDL field names: booleans as booleans,
 * enums by name, and the fields the wire would carry (set fields, plus non-optional ones that have
 * a value). Thread-safe.
 */
final class ThriftJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ThriftJson() {}

  static JsonNode tree(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof TBase<?, ?> struct) {
      return struct(struct);
    }
    if (value instanceof TEnum enumValue) {
      return NODES.stringNode(((Enum<?>) enumValue).name());
    }
    if (value instanceof Boolean bool) {
      return NODES.booleanNode(bool);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return NODES.numberNode(((Number) value).intValue());
    }
    if (value instanceof Long number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Double number) {
      return NODES.numberNode(number);
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof byte[] bytes) {
      return NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof Collection<?> collection) {
      ArrayNode array = NODES.arrayNode();
      collection.forEach(element -> array.add(tree(element)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), tree(v)));
      return object;
    }
    return NODES.stringNode(value.toString());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ObjectNode struct(TBase struct) {
    ObjectNode object = NODES.objectNode();
    Map<? extends TFieldIdEnum, FieldMetaData> fields =
        FieldMetaData.getStructMetaDataMap(struct.getClass());
    boolean union = struct instanceof TUnion;
    for (Map.Entry<? extends TFieldIdEnum, FieldMetaData> field : fields.entrySet()) {
      TFieldIdEnum id = field.getKey();
      boolean set = struct.isSet(id);
      if (union && !set) {
        continue;
      }
      Object value = union ? (set ? struct.getFieldValue(id) : null) : struct.getFieldValue(id);
      boolean optional = field.getValue().requirementType == TFieldRequirementType.OPTIONAL;
      if (set || (!optional && value != null)) {
        object.set(field.getValue().fieldName, tree(value));
      }
    }
    return object;
  }
}
