import type { accounts } from "../../db/schema.ts";

type AccountType = (typeof accounts.$inferInsert)["type"];

export interface TemplateAccount {
  code: string;
  name: string;
  nameBn: string;
  type: AccountType;
  /** Groups hold other accounts; ledgers take postings. */
  group?: true;
  parent?: string;
}

const g = (
  code: string,
  name: string,
  nameBn: string,
  type: AccountType,
  parent?: string,
): TemplateAccount => ({
  code,
  name,
  nameBn,
  type,
  group: true,
  ...(parent ? { parent } : {}),
});
const l = (
  code: string,
  name: string,
  nameBn: string,
  type: AccountType,
  parent: string,
): TemplateAccount => ({
  code,
  name,
  nameBn,
  type,
  parent,
});

/**
 * A chart of accounts for a Bangladeshi construction or real-estate company: VAT input / output /
 * payable, VDS and TDS receivable and payable, advance income tax (AIT), retention, mobilisation
 * advances, work in progress and flat sales. Parents come before their children.
 */
export const BD_TEMPLATE: readonly TemplateAccount[] = [
  g("1000", "Assets", "সম্পদ", "asset"),
  g("1100", "Current assets", "চলতি সম্পদ", "asset", "1000"),
  l("1110", "Cash in hand", "হাতে নগদ", "asset", "1100"),
  l("1120", "Cash at bank", "ব্যাংকে জমা", "asset", "1100"),
  l("1130", "Accounts receivable", "প্রাপ্য হিসাব", "asset", "1100"),
  l("1140", "VAT input (current account)", "উপকরণ ভ্যাট (চলতি হিসাব)", "asset", "1100"),
  l("1150", "VDS receivable", "উৎসে ভ্যাট কর্তন প্রাপ্য", "asset", "1100"),
  l("1160", "TDS receivable", "উৎসে আয়কর কর্তন প্রাপ্য", "asset", "1100"),
  l("1170", "Advance income tax (AIT)", "অগ্রিম আয়কর", "asset", "1100"),
  l("1180", "Mobilisation advance paid", "প্রদত্ত মবিলাইজেশন অগ্রিম", "asset", "1100"),
  l("1190", "Retention receivable", "জামানত প্রাপ্য", "asset", "1100"),
  g("1200", "Work in progress", "চলমান কাজ", "asset", "1000"),
  l("1210", "Work in progress: construction", "চলমান নির্মাণ কাজ", "asset", "1200"),
  l("1220", "Work in progress: real-estate projects", "চলমান আবাসন প্রকল্প", "asset", "1200"),
  g("1300", "Non-current assets", "স্থায়ী সম্পদ", "asset", "1000"),
  l("1310", "Land", "জমি", "asset", "1300"),
  l("1320", "Buildings", "ভবন", "asset", "1300"),
  l("1330", "Plant and machinery", "যন্ত্রপাতি", "asset", "1300"),
  l("1340", "Vehicles", "যানবাহন", "asset", "1300"),
  g("2000", "Liabilities", "দায়", "liability"),
  g("2100", "Current liabilities", "চলতি দায়", "liability", "2000"),
  l("2110", "Accounts payable", "প্রদেয় হিসাব", "liability", "2100"),
  l("2120", "VAT output", "উৎপাদ ভ্যাট", "liability", "2100"),
  l("2130", "VAT payable", "প্রদেয় ভ্যাট", "liability", "2100"),
  l("2140", "VDS payable", "উৎসে কর্তিত ভ্যাট প্রদেয়", "liability", "2100"),
  l("2150", "TDS payable", "উৎসে কর্তিত আয়কর প্রদেয়", "liability", "2100"),
  l("2160", "Retention payable", "জামানত প্রদেয়", "liability", "2100"),
  l("2170", "Mobilisation advance received", "প্রাপ্ত মবিলাইজেশন অগ্রিম", "liability", "2100"),
  l("2180", "Customer advances (flat bookings)", "গ্রাহকের অগ্রিম (ফ্ল্যাট বুকিং)", "liability", "2100"),
  g("2200", "Non-current liabilities", "দীর্ঘমেয়াদি দায়", "liability", "2000"),
  l("2210", "Long-term loans", "দীর্ঘমেয়াদি ঋণ", "liability", "2200"),
  g("3000", "Equity", "মালিকানা স্বত্ব", "equity"),
  l("3100", "Share capital", "শেয়ার মূলধন", "equity", "3000"),
  l("3200", "Retained earnings", "সংরক্ষিত আয়", "equity", "3000"),
  g("4000", "Income", "আয়", "income"),
  l("4100", "Contract revenue", "চুক্তির রাজস্ব", "income", "4000"),
  l("4200", "Sale of flats and plots", "ফ্ল্যাট ও প্লট বিক্রয়", "income", "4000"),
  l("4300", "Other income", "অন্যান্য আয়", "income", "4000"),
  g("5000", "Expenses", "ব্যয়", "expense"),
  l("5100", "Construction materials", "নির্মাণ সামগ্রী", "expense", "5000"),
  l("5200", "Sub-contractor costs", "উপ-ঠিকাদার ব্যয়", "expense", "5000"),
  l("5300", "Site labour", "সাইট শ্রমিক", "expense", "5000"),
  l("5400", "Salaries", "বেতন", "expense", "5000"),
  l("5500", "Rent", "ভাড়া", "expense", "5000"),
  l("5600", "Income tax expense", "আয়কর ব্যয়", "expense", "5000"),
];
