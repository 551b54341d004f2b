package io.mqttbridge.testkit.azure;

/** A twin request the hub refuses: the status of the reply and the error document's code and message. */
final class TwinRejection extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;

  TwinRejection(int status, int errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }
}
