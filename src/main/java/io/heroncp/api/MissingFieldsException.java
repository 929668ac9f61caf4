package io.heroncp.api;

import io.heroncp.problems.InvalidFieldException;
import java.util.List;

/** Required request fields are missing (422), listed as heron-apiserver lists them. */
class MissingFieldsException extends InvalidFieldException {

  private final List<String> fields;

  MissingFieldsException(List<String> fields) {
    super("Validation failed missing required params: " + fields, fields.get(0));
    this.fields = List.copyOf(fields);
  }

  List<String> fields() {
    return fields;
  }
}
