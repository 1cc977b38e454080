namespace Sensor.Core.Reassembly;

/// <summary>Which way bytes travel within a mail session.</summary>
public enum Direction : byte
{
    ClientToServer = 0,
    ServerToClient = 1,
}
