namespace Sensor.Core.Protocols;

/// <summary>True when a line plainly starts a protocol line (a command, a reply, a greeting): asked of the first line after a gap, and of each direction's first line.</summary>
public delegate bool LineStartTest(ReadOnlySpan<byte> line);
