'use client';

import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState, WidgetFrame, type WidgetFrameProps } from './WidgetPanel';

interface Props extends WidgetFrameProps {
  readonly children: ReactNode;
  /** Called before the boundary re-renders its children (e.g. reset failed queries). */
  readonly onReset?: () => void;
}

interface State {
  readonly error: Error | null;
}

/** Keeps a crashing widget inside its own card: the rest of the page keeps working. */
export class WidgetErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`Widget ${this.props.testId} crashed`, error, info.componentStack);
  }

  private readonly reset = () => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error) {
      return (
        <WidgetFrame {...this.props} state="error">
          <ErrorState
            title={this.props.title}
            message={this.state.error.message}
            onRetry={this.reset}
          />
        </WidgetFrame>
      );
    }
    return this.props.children;
  }
}
