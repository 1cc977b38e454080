namespace Sensor.Core.Protocols.Tls;

/// <summary>TLS record content types (RFC 5246 §6.2.1, RFC 8446 §5.1), as the record header's first byte.</summary>
public static class TlsContentType
{
    public const byte ChangeCipherSpec = 20, Alert = 21, Handshake = 22, ApplicationData = 23;
}
