import { Persona, type PersonaInput, Scenario, type ScenarioInput } from './schemas.js';

/**
 * Starter library for customer support. Scenarios stay tool-agnostic (their criteria are judged
 * from the transcript); add `checks` and `fixtures` for a specific agent's tools.
 */

const personas: PersonaInput[] = [
  {
    name: 'calm-customer',
    displayName: 'Maria Lopez',
    background: 'A long-time customer who pays by card and rarely calls support.',
    goal: 'Get the problem solved in one call.',
    traits: ['patient', 'polite', 'precise'],
    hiddenFacts: [
      { topic: 'account number', fact: 'Her account number is 4471.' },
      { topic: 'email', fact: 'Her email is maria.lopez@example.com.' },
    ],
    speakingStyle: 'Friendly, complete sentences.',
  },
  {
    name: 'angry-customer',
    displayName: 'Tom Becker',
    background: 'Has called twice this week about the same problem without a fix.',
    goal: 'Get a concrete fix or compensation today.',
    traits: ['frustrated', 'interrupts', 'threatens to leave'],
    hiddenFacts: [{ topic: 'account number', fact: 'His account number is 9020.' }],
    speakingStyle: 'Short, sharp sentences; calms down only when taken seriously.',
  },
  {
    name: 'indecisive-customer',
    displayName: 'Priya Nair',
    background: 'Unsure what she wants; changes her mind once she hears the options.',
    goal: 'Understand the options, then pick one (and maybe switch once).',
    traits: ['hesitant', 'asks for confirmation', 'changes her mind'],
    hiddenFacts: [{ topic: 'account number', fact: 'Her account number is 3318.' }],
    speakingStyle: 'Thinks aloud, uses "hmm" and "actually".',
  },
  {
    name: 'off-topic-customer',
    displayName: 'Gus Walker',
    background: 'Chatty retiree who drifts into unrelated stories.',
    goal: 'Eventually get an answer to his question, but enjoys the chat.',
    traits: ['talkative', 'digresses', 'friendly'],
    hiddenFacts: [{ topic: 'account number', fact: 'His account number is 1207.' }],
    speakingStyle: 'Long, rambling sentences with anecdotes.',
  },
];

const scenarios: ScenarioInput[] = [
  {
    name: 'billing-dispute',
    description: 'The caller was charged twice for the same month.',
    opening: 'Hi, I was charged twice this month and I want my money back.',
    callerWants: 'A refund of the duplicate charge, or a clear next step and timeline.',
    successCriteria: [
      { id: 'identifies-account', description: 'The agent asks for and confirms the account.' },
      {
        id: 'resolves-or-escalates',
        description:
          'The agent offers a refund, a credit or a concrete escalation with a timeline.',
      },
    ],
  },
  {
    name: 'technical-fault',
    description: 'The caller’s internet has been dropping every evening for a week.',
    opening: 'My internet keeps cutting out every evening. Can you help?',
    callerWants: 'Working internet, or a technician appointment.',
    successCriteria: [
      {
        id: 'troubleshoots',
        description: 'The agent walks through at least one troubleshooting step.',
      },
      { id: 'next-step', description: 'The call ends with a fix or a booked next step.' },
    ],
  },
  {
    name: 'cancellation',
    description: 'The caller wants to cancel the subscription.',
    opening: 'I would like to cancel my subscription, please.',
    callerWants: 'The subscription cancelled, with the end date confirmed.',
    successCriteria: [
      {
        id: 'confirms-cancellation',
        description: 'The agent confirms the cancellation and its date.',
      },
      {
        id: 'retention-once',
        description: 'The agent makes at most one retention offer and respects a no.',
        required: false,
      },
    ],
  },
  {
    name: 'angry-caller',
    description: 'The caller is furious about repeated failures.',
    opening: 'This is the third time I am calling. Nothing works and nobody helps!',
    callerWants: 'To be taken seriously and get a concrete fix or compensation.',
    successCriteria: [
      { id: 'de-escalates', description: 'The agent acknowledges the frustration calmly.' },
      { id: 'concrete-action', description: 'The agent commits to a concrete action.' },
    ],
  },
  {
    name: 'changes-mind',
    description: 'The caller first wants to downgrade the plan, then decides to keep it.',
    opening: 'I think I want to downgrade my plan.',
    callerWants: 'First a downgrade; after hearing the options, to keep the current plan.',
    successCriteria: [
      {
        id: 'follows-change',
        description: 'The agent notices the change of mind and does not downgrade anyway.',
      },
    ],
  },
  {
    name: 'off-topic',
    description: 'The caller drifts off topic before asking about the opening hours.',
    opening: 'Hello there! Lovely weather today, isn’t it?',
    callerWants: 'To know the store opening hours, after some chit-chat.',
    successCriteria: [
      { id: 'stays-on-task', description: 'The agent politely steers back to how it can help.' },
      { id: 'answers', description: 'The caller’s actual question gets answered.' },
    ],
  },
];

/** Starter personas by name. */
export const PERSONA_LIBRARY: ReadonlyMap<string, Persona> = new Map(
  personas.map((input) => {
    const persona = Persona.parse(input);
    return [persona.name, persona];
  }),
);

/** Starter customer-support scenarios by name. */
export const SCENARIO_LIBRARY: ReadonlyMap<string, Scenario> = new Map(
  scenarios.map((input) => {
    const scenario = Scenario.parse(input);
    return [scenario.name, scenario];
  }),
);
