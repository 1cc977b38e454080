namespace Sensor.Core.Protocols.Tls;

/// <summary>Protocol version names (RFC 8446 §4.2.1) and GREASE values (RFC 8701).</summary>
public static class TlsNames
{
    public const string Tls13 = "TLSv1.3";

    public static string Version(ushort version) => version switch
    {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1.0",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => Tls13,
        _ => $"0x{version:x4}",
    };

    /// <summary>RFC 8701 reserves 0x?A?A values so that peers tolerate unknown ones; they mean nothing.</summary>
    public static bool IsGrease(ushort value) => (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}
