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

    [Fact]
    public void The_buffer_is_reserved_from_the_budget_what_it_refuses_is_counted_not_kept_and_Clear_gives_it_back()
    {
        var budget = new BufferBudget(600);
        var held = new HeldBytes(cap: 4096, budget: budget);

        held.Add(new byte[100]);                     // first use: the 256-byte initial buffer
        Assert.Equal(256, budget.ReservedBytes);
        held.Add(new byte[300]);                     // would grow to 800: refused, so only what fits is kept
        Assert.Equal(256, budget.ReservedBytes);
        Assert.Equal((400L, 256, true), (held.Count, held.Kept.Length, held.Truncated));

        held.Clear();
        Assert.Equal(0, budget.ReservedBytes);
        held.Add("abc"u8);
        Assert.Equal("abc"u8.ToArray(), held.Kept.ToArray());
    }
}
