import type { RuleDraft } from "../engine/model.ts";
import { PACK_EFFECTIVE_FROM, type Pack } from "./types.ts";

const reference = (section: string) => ({ authority: "RAJUK", section }) as const;
const BIDHIMALA = "Dhaka Mahanagar Imarat Nirman Bidhimala 2008";

const rule = (draft: Omit<RuleDraft, "status" | "effectiveFrom">): RuleDraft => ({
  ...draft,
  status: "active",
  effectiveFrom: PACK_EFFECTIVE_FROM,
});

/** Residential FAR and maximum ground coverage by plot size in katha (lower bound exclusive). */
const FAR_BANDS = [
  { above: "0", upTo: "2", far: 3.15, coverage: 67.5 },
  { above: "2", upTo: "3", far: 3.35, coverage: 65 },
  { above: "3", upTo: "4", far: 3.5, coverage: 62.5 },
  { above: "4", upTo: "5", far: 3.5, coverage: 62.5 },
  { above: "5", upTo: "6", far: 3.75, coverage: 60 },
] as const;

/** Rear and side setbacks in metres by plot area in m² (front is 1.5 m for all). */
const SETBACK_BANDS = [
  { above: "0", upTo: "134", rear: 1, side: 0.8 },
  { above: "134", upTo: "200", rear: 1, side: 1 },
  { above: "200", upTo: "268", rear: 1.5, side: 1 },
  { above: "268", upTo: null, rear: 2, side: 1.25 },
] as const;

const inBand = (fact: string, above: string, upTo: string | null) =>
  upTo === null
    ? { fact, op: "gt" as const, value: above }
    : {
        all: [
          { fact, op: "gt" as const, value: above },
          { fact, op: "lte" as const, value: upTo },
        ],
      };

const bandName = (above: string, upTo: string | null, unit: string) =>
  upTo === null ? `above ${above} ${unit}` : `${above}–${upTo} ${unit}`;

const farRules = FAR_BANDS.map((band, i) =>
  rule({
    key: `far.katha_${band.upTo}`,
    name: `FAR ${band.far} and ground coverage ${band.coverage}% for plots of ${bandName(band.above, band.upTo, "katha")}`,
    priority: 90 - i,
    reference: reference(`${BIDHIMALA}, FAR and ground coverage table`),
    when: inBand("plotKatha", band.above, band.upTo),
    actions: [
      { kind: "set", output: "far", value: band.far },
      { kind: "set", output: "groundCoveragePct", value: band.coverage },
    ],
  }),
);

const setbackRules = SETBACK_BANDS.flatMap((band, i) => {
  const size = bandName(band.above, band.upTo, "m²");
  const section = reference(`${BIDHIMALA}, setbacks by plot area`);
  return [
    rule({
      key: `setback.area_${i + 1}`,
      name: `Setbacks rear ${band.rear} m, side ${band.side} m for plots of ${size}`,
      priority: 40 - i,
      reference: section,
      when: inBand("plotAreaSqm", band.above, band.upTo),
      actions: [
        { kind: "set", output: "requiredRearM", value: band.rear },
        { kind: "set", output: "requiredSideM", value: band.side },
      ],
    }),
    rule({
      key: `setback.rear_${i + 1}`,
      name: `Rear setback below ${band.rear} m on a plot of ${size}`,
      priority: 20,
      reference: section,
      when: {
        all: [
          inBand("plotAreaSqm", band.above, band.upTo),
          { fact: "rearSetbackM", op: "lt", value: band.rear },
        ],
      },
      actions: [
        {
          kind: "block",
          reason: {
            en: `The rear setback must be at least ${band.rear} m on a plot of ${size}`,
            bn: `${size} আয়তনের প্লটে পেছনের সেটব্যাক কমপক্ষে ${band.rear} মিটার হতে হবে`,
          },
        },
      ],
    }),
    rule({
      key: `setback.side_${i + 1}`,
      name: `Side setback below ${band.side} m on a plot of ${size}`,
      priority: 20,
      reference: section,
      when: {
        all: [
          inBand("plotAreaSqm", band.above, band.upTo),
          { fact: "sideSetbackM", op: "lt", value: band.side },
        ],
      },
      actions: [
        {
          kind: "block",
          reason: {
            en: `The side setbacks must be at least ${band.side} m on a plot of ${size}`,
            bn: `${size} আয়তনের প্লটে পাশের সেটব্যাক কমপক্ষে ${band.side} মিটার হতে হবে`,
          },
        },
      ],
    }),
  ];
});

/**
 * Dhaka building rules of 2008 for residential plots: a 6 m road, FAR and ground coverage by plot
 * size, and setbacks by plot area. Data, not code: a newer Bidhimala is a new version of these rules.
 */
export const rajukBuildingPack: Pack = {
  key: "rajuk.building",
  name: "RAJUK building permission (2008 rules)",
  facts: {
    roadWidthM: { type: "number", description: "Width of the road in front of the plot, metres" },
    plotKatha: { type: "number", description: "Plot size in katha (1 katha = 720 sq ft)" },
    plotAreaSqm: { type: "number", description: "Plot area in m² as surveyed" },
    frontSetbackM: { type: "number" },
    rearSetbackM: { type: "number" },
    sideSetbackM: { type: "number" },
  },
  rules: [
    rule({
      key: "road.min_width",
      name: "The road in front must be at least 6 m wide",
      priority: 100,
      reference: reference(`${BIDHIMALA}, access road`),
      when: { fact: "roadWidthM", op: "lt", value: 6 },
      actions: [
        {
          kind: "block",
          reason: {
            en: "The road in front of the plot must be at least 6 m wide for building approval",
            bn: "ভবন অনুমোদনের জন্য প্লটের সামনের রাস্তা কমপক্ষে ৬ মিটার চওড়া হতে হবে",
          },
        },
      ],
    }),
    ...farRules,
    rule({
      key: "far.beyond_table",
      name: "Plots above 6 katha need an individual assessment",
      priority: 85,
      reference: reference(`${BIDHIMALA}, FAR and ground coverage table`),
      when: { fact: "plotKatha", op: "gt", value: 6 },
      actions: [{ kind: "flag", flag: "far_assessment_required" }],
    }),
    rule({
      key: "area.limits",
      name: "Maximum floor area and ground coverage",
      priority: 50,
      reference: reference(`${BIDHIMALA}, FAR and ground coverage table`),
      when: {
        all: [
          { fact: "plotKatha", op: "lte", value: 6 },
          { fact: "plotAreaSqm", op: "exists" },
        ],
      },
      actions: [
        { kind: "set", output: "maxFloorAreaSqm", formula: "round(plotAreaSqm × out.far)", as: "number" },
        {
          kind: "set",
          output: "maxGroundCoverageSqm",
          formula: "round(percent(plotAreaSqm, out.groundCoveragePct))",
          as: "number",
        },
      ],
    }),
    rule({
      key: "setback.front",
      name: "Front setback 1.5 m",
      priority: 45,
      reference: reference(`${BIDHIMALA}, setbacks by plot area`),
      when: { all: [] },
      actions: [{ kind: "set", output: "requiredFrontM", value: 1.5 }],
    }),
    rule({
      key: "setback.front_check",
      name: "Front setback below 1.5 m",
      priority: 20,
      reference: reference(`${BIDHIMALA}, setbacks by plot area`),
      when: { fact: "frontSetbackM", op: "lt", value: 1.5 },
      actions: [
        {
          kind: "block",
          reason: {
            en: "The front setback must be at least 1.5 m",
            bn: "সামনের সেটব্যাক কমপক্ষে ১.৫ মিটার হতে হবে",
          },
        },
      ],
    }),
    ...setbackRules,
  ],
};
