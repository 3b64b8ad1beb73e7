/** A Mushak-6.3 as an accountant sends it: 8 lines of building materials, two VAT rates, one with SD. */
export function mushak63(overrides: Record<string, unknown> = {}, lines = 8) {
  const items = [
    { description: "রড ৬০ গ্রেড (বিএসআরএম)", unit: "টন", quantity: 2.5, unitPrice: "95000.00", vatRate: 15 },
    {
      description: "সিমেন্ট (শাহ্‌ সিমেন্ট, ৫০ কেজি)",
      unit: "ব্যাগ",
      quantity: 400,
      unitPrice: "540.00",
      vatRate: 15,
    },
    { description: "ইট (প্রথম শ্রেণি)", unit: "পিস", quantity: 12000, unitPrice: "12.50", vatRate: 15 },
    { description: "বালু (সিলেট)", unit: "সিএফটি", quantity: 1500, unitPrice: "55.00", vatRate: 7.5 },
    { description: "পাথরের টুকরা", unit: "সিএফটি", quantity: 800, unitPrice: "210.00", vatRate: 7.5 },
    {
      description: "টাইলস (আরএকে)",
      unit: "বর্গফুট",
      quantity: 2200.5,
      unitPrice: "85.00",
      vatRate: 15,
      sdRate: 10,
    },
    { description: "রং (বার্জার)", unit: "লিটার", quantity: 120, unitPrice: "650.00", vatRate: 15, sdRate: 10 },
    { description: "বৈদ্যুতিক তার", unit: "মিটার", quantity: 900, unitPrice: "48.75", vatRate: 15 },
  ];
  return {
    number: "INV-2026/0042",
    seller: {
      name: "রহিম কনস্ট্রাকশন লিমিটেড",
      bin: "0001234560101",
      address: "বাড়ি ১২, রোড ৫, ধানমন্ডি, ঢাকা ১২০৫",
    },
    buyer: { name: "করিম ডেভেলপার্স লিমিটেড", bin: "0009876540202", address: "আগ্রাবাদ বা/এ, চট্টগ্রাম ৪১০০" },
    destination: "মিরপুর ১০ প্রকল্প সাইট, ঢাকা",
    vehicle: { type: "ট্রাক", number: "ঢাকা মেট্রো-ট ১১-২২৩৩" },
    lines: Array.from({ length: lines }, (_, i) => items[i % items.length] as (typeof items)[number]),
    officer: { name: "আব্দুল কাদের", designation: "হিসাব কর্মকর্তা" },
    banglaDate: true,
    ...overrides,
  };
}
