namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Up to two captured path segments (model and method), as offsets into the path.</summary>
internal struct PathCaptures
{
    public int Count;
    public int Start0;
    public int Length0;
    public int Start1;
    public int Length1;

    public void Add(int start, int length)
    {
        if (Count == 0)
        {
            Start0 = start;
            Length0 = length;
        }
        else if (Count == 1)
        {
            Start1 = start;
            Length1 = length;
        }

        Count++;
    }
}
