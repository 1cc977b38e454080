using Sensor.Tests.Live;

namespace Sensor.Tests.LiveNet;

internal static class VethSensor
{
    /// <summary>
    /// `sensor live` on the root-namespace end of the pair with its default filter: JSON Lines on stdout,
    /// no store, and -v so that the frame and drop counts it logs at exit reach stderr.
    /// </summary>
    public static LiveSensorProcess Start(VethNamespace veth, params string[] options) =>
        LiveSensorProcess.Start(["live", "-i", veth.HostInterface, "--json", "--no-db", "-v", .. options]);
}
