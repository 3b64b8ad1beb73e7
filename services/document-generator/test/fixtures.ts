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

/** A purchase order for a project site: 6 lines of materials, a supplier without a BIN. */
export function purchaseOrder(overrides: Record<string, unknown> = {}) {
  return {
    number: "PO/2026-27/000123",
    buyer: { name: "রহিম কনস্ট্রাকশন লিমিটেড", bin: "0001234560101", address: "বাড়ি ১২, রোড ৫, ধানমন্ডি, ঢাকা ১২০৫" },
    supplier: { name: "মেসার্স সালাম ট্রেডার্স", address: "নয়াবাজার, ঢাকা ১১০০" },
    deliverTo: "মিরপুর ১০ প্রকল্প সাইট, ঢাকা",
    deliveryDate: "2026-12-20",
    project: "মিরপুর টাওয়ার",
    reference: "RFQ-77",
    paymentTerms: "সরবরাহের ৩০ দিনের মধ্যে",
    lines: [
      { description: "রড ৬০ গ্রেড (বিএসআরএম)", unit: "টন", quantity: 10, unitPrice: "95000.00" },
      { description: "সিমেন্ট (শাহ্‌ সিমেন্ট, ৫০ কেজি)", unit: "ব্যাগ", quantity: 1000, unitPrice: "540.00" },
      { description: "ইট (প্রথম শ্রেণি)", unit: "পিস", quantity: 50000, unitPrice: "12.50" },
      { description: "বালু (সিলেট)", unit: "সিএফটি", quantity: 3000, unitPrice: "55.00", vatRate: 7.5 },
      { description: "পাথরের টুকরা", unit: "সিএফটি", quantity: 2000, unitPrice: "210.00", vatRate: 7.5 },
      { description: "বৈদ্যুতিক তার", unit: "মিটার", quantity: 900, unitPrice: "48.75" },
    ],
    terms: ["মালামাল সাইটে পৌঁছানোর পর পরিমাণ যাচাই করা হবে", "ত্রুটিপূর্ণ মালামাল ফেরত নেওয়া হবে"],
    officer: { name: "আব্দুল কাদের", designation: "ক্রয় ব্যবস্থাপক" },
    ...overrides,
  };
}

/** A work order for the structural works of a building, with 10% retention. */
export function workOrder(overrides: Record<string, unknown> = {}) {
  return {
    number: "WO-2026-0007",
    employer: {
      name: "Rahim Construction Ltd",
      bin: "0001234560101",
      address: "House 12, Road 5, Dhanmondi, Dhaka 1205",
    },
    contractor: { name: "Salam Builders", bin: "0009876540202", address: "Agrabad C/A, Chattogram 4100" },
    project: { name: "Mirpur Tower", site: "Plot 7, Section 10, Mirpur, Dhaka" },
    scope: "Reinforced concrete frame of the ground and first floors, including formwork and curing.",
    startDate: "2026-12-15",
    completionDate: "2027-03-31",
    lines: [
      {
        description: "Excavation in foundation",
        unit: "cum",
        quantity: 850,
        unitPrice: "450.00",
        vatRate: 7.5,
      },
      {
        description: "RCC work in columns (1:1.5:3)",
        unit: "cum",
        quantity: 120.5,
        unitPrice: "14500.00",
        vatRate: 7.5,
      },
      {
        description: "Reinforcement fabrication and binding",
        unit: "ton",
        quantity: 42,
        unitPrice: "12000.00",
        vatRate: 7.5,
      },
    ],
    retentionRate: 10,
    terms: ["Bills monthly on measured work", "Defects liability period: 12 months"],
    officer: { name: "Abdul Kader", designation: "Project Director" },
    ...overrides,
  };
}

/** A developer (withholding entity) certifies the VAT it deducted from a contractor's three invoices. */
export const vdsCertificate = (overrides: { number?: string } = {}) => ({
  number: "VDS-2026/0007",
  withholder: { name: "করিম ডেভেলপার্স লিমিটেড", bin: "0009876540202", address: "আগ্রাবাদ বা/এ, চট্টগ্রাম ৪১০০" },
  supplier: { name: "রহিম কনস্ট্রাকশন লিমিটেড", bin: "0001234560101", address: "ধানমন্ডি, ঢাকা ১২০৫" },
  category: "construction" as const,
  lines: [
    { invoiceNumber: "INV-2026/0040", invoiceDate: "2026-11-02", value: "500000.00" },
    { invoiceNumber: "INV-2026/0041", invoiceDate: "2026-11-16", value: "250000.50" },
    { invoiceNumber: "INV-2026/0042", invoiceDate: "2026-12-01", value: "1200000.00" },
  ],
  challan: { number: "TR-58-2026-1203", date: "2026-12-05" },
  officer: { name: "ফাতেমা বেগম", designation: "প্রধান হিসাবরক্ষক" },
  ...overrides,
});
