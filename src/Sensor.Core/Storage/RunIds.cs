using System.Security.Cryptography;

namespace Sensor.Core.Storage;

/// <summary>
/// Run ids: the start time to the second, then 8 random hex digits ("20261207T214500Z-3f9a1c2b"),
/// so ids sort by start and two runs started in the same second stay apart.
/// </summary>
public static class RunIds
{
    public static string New(DateTime startUtc) =>
        $"{startUtc:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
