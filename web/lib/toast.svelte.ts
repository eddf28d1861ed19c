// Transient notifications (bottom-right). toast.success('Server created')
export type ToastKind = 'success' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message?: string;
}

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  push(kind: ToastKind, title: string, message?: string, ms = 4500) {
    const id = this.#next++;
    this.items.push({ id, kind, title, message });
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }
  success = (title: string, message?: string) => this.push('success', title, message);
  error = (title: string, message?: string) => this.push('error', title, message, 7000);
  info = (title: string, message?: string) => this.push('info', title, message);
  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toast = new Toasts();
