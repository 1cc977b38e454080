using Sensor.Core.Protocols.Text;

namespace Sensor.Tests.Protocols;

public class HeldBytesTests
{
    [Fact]
    public void Grows_from_nothing_to_the_cap_keeps_the_first_bytes_and_counts_all()
    {
        var held = new HeldBytes(cap: 1000);
        var input = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

        Assert.True(held.Kept.IsEmpty);
        foreach (var chunk in input.Chunk(7))
            held.Add(chunk);

        Assert.Equal(1000, held.Cap);
        Assert.Equal(3000, held.Count);
        Assert.True(held.Truncated);
        Assert.Equal(input[..1000], held.Kept.ToArray());

        held.Clear();
        held.Add("abc"u8);
        Assert.Equal("abc"u8.ToArray(), held.Kept.ToArray());
        Assert.False(held.Truncated);
    }
}
