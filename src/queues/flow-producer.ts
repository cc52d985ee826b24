/** The one FlowProducer (suites: a parent job with the runs as children). */
export const FLOW_PRODUCER = 'flows';
