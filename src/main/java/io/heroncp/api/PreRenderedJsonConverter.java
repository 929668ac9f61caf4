package io.heroncp.api;

import java.io.IOException;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Writes a {@link PreRenderedJson} answer as its bytes, with {@code Content-Length}: one write, not
 * a chunked stream (what a streaming JSON converter makes of a {@code ResponseEntity}). Answers
 * only; nothing reads one.
 */
@Component
final class PreRenderedJsonConverter extends AbstractHttpMessageConverter<PreRenderedJson> {

  PreRenderedJsonConverter() {
    super(MediaType.APPLICATION_JSON);
  }

  @Override
  protected boolean supports(Class<?> type) {
    return PreRenderedJson.class.isAssignableFrom(type);
  }

  @Override
  public boolean canRead(Class<?> type, MediaType mediaType) {
    return false;
  }

  @Override
  protected PreRenderedJson readInternal(
      Class<? extends PreRenderedJson> type, HttpInputMessage input) {
    throw new HttpMessageNotReadableException("Pre-rendered JSON is only written", input);
  }

  @Override
  protected Long getContentLength(PreRenderedJson json, MediaType contentType) {
    return (long) json.length();
  }

  @Override
  protected void writeInternal(PreRenderedJson json, HttpOutputMessage output) throws IOException {
    json.writeUnquotedUTF8(output.getBody());
  }
}
